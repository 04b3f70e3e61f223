package com.kafkaconnectiroh.p2p.quic;

/**
 * What a connection tells its application, polled with {@link QuicConnection#pollEvent()}. Stream events are
 * edge-triggered: {@link StreamReadable} comes once per transition to readable (read until 0 to re-arm),
 * {@link StreamWritable} once after a short write when buffer space or credit returns.
 */
public sealed interface ConnectionEvent {

    /** The TLS handshake completed; streams may be opened. */
    record Connected() implements ConnectionEvent {
    }

    /** The handshake is confirmed (RFC 9001 §4.1.2); handshake keys are gone. */
    record HandshakeConfirmed() implements ConnectionEvent {
    }

    /** The peer opened one or more streams of this direction; take them with acceptBi/acceptUni. */
    record StreamOpened(boolean bidi) implements ConnectionEvent {
    }

    /** Data, the end of the stream, or a reset can be read. */
    record StreamReadable(long streamId) implements ConnectionEvent {
    }

    /** A stream whose last write was short can take more. */
    record StreamWritable(long streamId) implements ConnectionEvent {
    }

    /**
     * The peer acknowledged every byte below {@code offset} of a stream we send on; only after
     * {@link QuicConnection#notifyAcked} asked for it, once per request.
     */
    record StreamAcked(long streamId, long offset) implements ConnectionEvent {
    }

    /** The peer acknowledged everything we wrote and our FIN. */
    record StreamFinished(long streamId) implements ConnectionEvent {
    }

    /** The peer asked us to stop sending (STOP_SENDING); we reset the stream with the same code. */
    record StreamStopped(long streamId, long errorCode) implements ConnectionEvent {
    }

    /** The peer abandoned its sending half (RESET_STREAM); reads now fail with this code. */
    record StreamReset(long streamId, long errorCode) implements ConnectionEvent {
    }

    /** A DATAGRAM frame arrived (only if we advertised max_datagram_frame_size). */
    record DatagramReceived(byte[] data) implements ConnectionEvent {
    }

    /**
     * The peer reported (OBSERVED_ADDR, QUIC address discovery) seeing us at a new address: our public address
     * as the peer sees it; see {@link QuicConnection#observedAddress()}.
     */
    record ObservedAddress(java.net.InetSocketAddress address) implements ConnectionEvent {
    }

    /** The connection is over; no more events follow. */
    record ConnectionLost(CloseReason reason) implements ConnectionEvent {
    }
}
