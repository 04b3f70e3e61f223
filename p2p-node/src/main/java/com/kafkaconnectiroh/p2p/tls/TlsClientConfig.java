package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * What a client handshake needs: our identity (sent as a raw Ed25519 key when the server asks, which iroh always
 * does), the endpoint we dial (the server must present exactly this key, and its name goes into SNI), and the ALPN
 * protocols we offer in preference order. Immutable; one per dial since the expected server varies.
 */
public final class TlsClientConfig {
    static final Random DEFAULT_RANDOM = new SecureRandom();

    private final SecretKey identity;
    private final EndpointId expectedServer;
    private final List<byte[]> alpns;
    private final List<CipherSuite> cipherSuites;
    private final Random random;
    private final boolean initialKeyShare;
    private final byte[] certificateSpki;
    private final String serverName;
    /** Non-null: the server presents an ordinary X.509 certificate for {@link #serverName}, checked against this. */
    private final X509Trust x509Trust;

    public TlsClientConfig(SecretKey identity, EndpointId expectedServer, List<byte[]> alpns) {
        this(identity, expectedServer, Alpn.copyAndValidate(alpns, "a TLS client"),
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256),
                DEFAULT_RANDOM, true);
    }

    private TlsClientConfig(SecretKey identity, EndpointId expectedServer, List<byte[]> alpns, List<CipherSuite> cipherSuites,
            Random random, boolean initialKeyShare) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.expectedServer = Objects.requireNonNull(expectedServer, "expectedServer");
        this.alpns = alpns;
        this.cipherSuites = cipherSuites;
        this.random = Objects.requireNonNull(random, "random");
        this.initialKeyShare = initialKeyShare;
        this.certificateSpki = RawPublicKey.encode(identity.publicKey());
        this.serverName = IrohServerName.encode(expectedServer);
        this.x509Trust = null;
    }

    private TlsClientConfig(String serverName, X509Trust trust, List<byte[]> alpns, List<CipherSuite> cipherSuites,
            Random random) {
        this.identity = null;
        this.expectedServer = null;
        this.alpns = alpns;
        this.cipherSuites = cipherSuites;
        this.random = Objects.requireNonNull(random, "random");
        this.initialKeyShare = true;
        this.certificateSpki = null;
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.x509Trust = Objects.requireNonNull(trust, "trust");
    }

    /**
     * A client of a server with an ordinary X.509 certificate rather than an iroh key (QUIC address discovery
     * against a relay, IROH-WIRE-MAP-RELAY §2.1): the chain must lead to one of {@code trust}'s anchors and name
     * {@code serverName} (a DNS name, sent as SNI, or an IP literal). We present no certificate ourselves.
     */
    public static TlsClientConfig forCertificate(String serverName, X509Trust trust, List<byte[]> alpns) {
        return new TlsClientConfig(serverName, trust, Alpn.copyAndValidate(alpns, "a TLS client"),
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
                        CipherSuite.TLS_CHACHA20_POLY1305_SHA256), DEFAULT_RANDOM);
    }

    /**
     * The suites to offer, most preferred first (default AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305: rustls
     * servers follow the client's order, and the JDK's AES-GCM is several times faster than its ChaCha20).
     */
    public TlsClientConfig withCipherSuites(CipherSuite... suites) {
        if (suites.length == 0) {
            throw new IllegalArgumentException("at least one cipher suite is needed");
        }
        if (x509Trust != null) {
            return new TlsClientConfig(serverName, x509Trust, alpns, List.of(suites), random);
        }
        return new TlsClientConfig(identity, expectedServer, alpns, List.of(suites), random, initialKeyShare);
    }

    /** The source of randoms and ephemeral keys; defaults to a {@link SecureRandom}. Seeded only in tests. */
    public TlsClientConfig withRandom(Random random) {
        if (x509Trust != null) {
            return new TlsClientConfig(serverName, x509Trust, alpns, cipherSuites, random);
        }
        return new TlsClientConfig(identity, expectedServer, alpns, cipherSuites, random, initialKeyShare);
    }

    /**
     * Sends an empty key_share in the first ClientHello, so the server must answer with a HelloRetryRequest
     * (RFC 8446 §4.2.8 allows this). Only useful to exercise that path.
     */
    TlsClientConfig withoutInitialKeyShare() {
        return new TlsClientConfig(identity, expectedServer, alpns, cipherSuites, random, false);
    }

    public SecretKey identity() {
        return identity;
    }

    public EndpointId expectedServer() {
        return expectedServer;
    }

    /** Copies of the offered protocol names. */
    public List<byte[]> alpns() {
        return alpns.stream().map(byte[]::clone).toList();
    }

    public List<CipherSuite> cipherSuites() {
        return cipherSuites;
    }

    /** The certificate check of an X.509 server, or null when the server is an iroh endpoint with a raw key. */
    public X509Trust x509Trust() {
        return x509Trust;
    }

    /** The SNI we send: {@link IrohServerName#encode} of the expected server, or the X.509 server's name. */
    public String serverName() {
        return serverName;
    }

    List<byte[]> alpnList() {
        return alpns;
    }

    Random random() {
        return random;
    }

    boolean initialKeyShare() {
        return initialKeyShare;
    }

    byte[] certificateSpki() {
        return certificateSpki;
    }

    @Override
    public String toString() {
        String who = x509Trust != null ? "X.509 → " + serverName
                : identity.publicKey().fmtShort() + " → " + expectedServer.fmtShort();
        return "TlsClientConfig(" + who + ", alpns "
                + Alpn.show(alpns) + ", suites " + Arrays.toString(cipherSuites.toArray()) + ")";
    }
}
