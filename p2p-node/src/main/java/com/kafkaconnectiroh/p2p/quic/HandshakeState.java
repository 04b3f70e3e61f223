package com.kafkaconnectiroh.p2p.quic;

/** How far a connection's handshake got (RFC 9001 §4.1): its flags that only go from false to true, in one place. */
final class HandshakeState {
    /** Something authenticated came from the peer (it ends Version Negotiation and Retry, RFC 9000 §6.2, §17.2.5). */
    boolean peerPacketReceived;
    /** The peer acknowledged one of our Handshake packets (RFC 9002 PeerCompletedAddressValidation). */
    boolean handshakeAckReceived;
    /** TLS completed; the application may open streams. */
    boolean complete;
    /** Confirmed (RFC 9001 §4.1.2): handshake keys go, migration and MTU discovery may start. */
    boolean confirmed;
    /** Server: HANDSHAKE_DONE is to be sent (again, if lost). */
    boolean donePending;
}
