/**
 * TLS 1.3 for QUIC with raw Ed25519 public keys, the way iroh authenticates endpoints (RFC 8446, RFC 9001 §4,
 * RFC 7250). Sans-IO: no records, no sockets, no clock.
 *
 * <h2>How QUIC drives a session</h2>
 * <pre>{@code
 * QuicTlsSession tls = isClient
 *     ? new TlsClientSession(new TlsClientConfig(secretKey, remoteId, List.of(alpn)), encodedTransportParams)
 *     : new TlsServerSession(serverConfig, encodedTransportParams);   // serverConfig shared by all connections
 * tls.start();                                  // client: queues the ClientHello
 * // for every CRYPTO frame's bytes, in stream order per level (no gaps, no duplicates):
 * tls.onHandshakeData(level, bytes, off, len);  // throws TlsException -> close with CRYPTO_ERROR 0x100 + alert().code()
 * for (TlsEvent e; (e = tls.poll()) != null; ) {
 *     switch on e: HandshakeData -> append to our CRYPTO stream at e.level();
 *                  KeysReady     -> derive "quic key/iv/hp" from e.readSecret()/e.writeSecret() with e.suite();
 *                  HandshakeComplete -> handshake done (client: after sending its Finished;
 *                                       server: after verifying the client's Finished)
 * }
 * }</pre>
 * Act on events in the order polled. Data for a level always comes after that level's keys, except INITIAL whose
 * keys QUIC derives itself. The server emits its whole flight and its APPLICATION keys in response to the
 * ClientHello, so the peer's transport parameters ({@link QuicTlsSession#peerTransportParameters()}) can be
 * checked before anything is sent. {@link QuicTlsSession#peerId()} is set once the peer's CertificateVerify
 * verified; the server's peer is authenticated only at {@code HandshakeComplete}. After completion a client still
 * accepts NewSessionTicket at APPLICATION level (ignored); anything else, including KeyUpdate, is
 * unexpected_message. After a {@link TlsException} the session is dead and repeats that exception.
 *
 * <h2>What is negotiated</h2>
 * TLS 1.3 only; x25519 only (a ClientHello that lists but does not share x25519 gets a HelloRetryRequest);
 * AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305 (we prefer AES-128-GCM); ed25519 signatures only; raw public keys
 * in both directions, mandatory mutual authentication; exactly one ALPN protocol; no PSK, 0-RTT or tickets. The
 * client requires the server's key to equal the dialled endpoint id and sends {@link IrohServerName} as SNI.
 *
 * <h2>X.509 servers (QUIC address discovery only)</h2>
 * An iroh relay's QUIC address discovery port presents its ordinary HTTPS certificate. {@link
 * TlsServerConfig#forCertificate} presents an {@link X509Credentials} chain (PEM; Ed25519, EC P-256/P-384 or RSA
 * key) and asks the client for nothing; {@link TlsClientConfig#forCertificate} offers the usual signature schemes,
 * sends the DNS name as SNI and checks chain and name with {@link X509Trust} (the JDK's trust store and/or given
 * CAs, PKIX by the JDK, subjectAltName per RFC 6125). Neither side has a {@code peerId()} there. The raw-key path
 * above is unchanged by this.
 */
package com.kafkaconnectiroh.p2p.tls;
