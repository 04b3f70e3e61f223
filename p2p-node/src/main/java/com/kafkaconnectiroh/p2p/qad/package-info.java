/**
 * QUIC address discovery, server side: {@link com.kafkaconnectiroh.p2p.qad.QadServer}, the UDP service an iroh
 * relay runs on port 7842 (ALPN {@code /iroh-qad/0}, X.509 certificate, OBSERVED_ADDR reports) so that clients
 * learn their public address. The client side lives in the endpoint, which must probe from its own data socket.
 */
package com.kafkaconnectiroh.p2p.qad;
