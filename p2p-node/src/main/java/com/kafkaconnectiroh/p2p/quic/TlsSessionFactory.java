package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.tls.QuicTlsSession;

/**
 * Makes the TLS session of a new connection. QUIC computes its transport parameters (which depend on the
 * connection IDs) and passes their encoded form to carry in the quic_transport_parameters extension. The layer
 * above decides identity, expected peer and ALPNs: e.g. {@code tp -> new TlsClientSession(clientConfig, tp)}.
 */
@FunctionalInterface
public interface TlsSessionFactory {
    QuicTlsSession create(byte[] localTransportParameters);
}
