package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * What a server handshake needs: our identity and the ALPN protocols we serve. Clients are always asked for their
 * raw public key, and any valid Ed25519 key is accepted (it becomes the peer's {@code EndpointId}), as iroh does.
 * Immutable and shareable by all accepted connections.
 */
public final class TlsServerConfig {
    private final SecretKey identity;
    private final List<byte[]> alpns;
    private final List<CipherSuite> cipherSuites;
    private final Random random;
    private final byte[] certificateSpki;
    /** Non-null: we present this X.509 chain instead of our raw key, and ask the client for nothing. */
    private final X509Credentials x509;

    public TlsServerConfig(SecretKey identity, List<byte[]> alpns) {
        this(identity, Alpn.copyAndValidate(alpns, "a TLS server"),
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_CHACHA20_POLY1305_SHA256),
                TlsClientConfig.DEFAULT_RANDOM);
    }

    private TlsServerConfig(SecretKey identity, List<byte[]> alpns, List<CipherSuite> cipherSuites, Random random) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.alpns = alpns;
        this.cipherSuites = cipherSuites;
        this.random = Objects.requireNonNull(random, "random");
        this.certificateSpki = RawPublicKey.encode(identity.publicKey());
        this.x509 = null;
    }

    private TlsServerConfig(X509Credentials x509, List<byte[]> alpns, List<CipherSuite> cipherSuites, Random random) {
        this.identity = null;
        this.alpns = alpns;
        this.cipherSuites = cipherSuites;
        this.random = Objects.requireNonNull(random, "random");
        this.certificateSpki = null;
        this.x509 = Objects.requireNonNull(x509, "x509");
    }

    /**
     * A server with an ordinary X.509 certificate, as an iroh relay's QUIC address discovery port (IROH-WIRE-MAP-RELAY
     * §2.1): clients verify the chain; we do not ask for theirs, so accepted connections have no peer id.
     */
    public static TlsServerConfig forCertificate(X509Credentials credentials, List<byte[]> alpns) {
        return new TlsServerConfig(credentials, Alpn.copyAndValidate(alpns, "a TLS server"),
                List.of(CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
                        CipherSuite.TLS_CHACHA20_POLY1305_SHA256), TlsClientConfig.DEFAULT_RANDOM);
    }

    /**
     * The suites we accept, most preferred first; we pick the first of these the client offers (default
     * AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305, fastest first on the JDK).
     */
    public TlsServerConfig withCipherSuites(CipherSuite... suites) {
        if (suites.length == 0) {
            throw new IllegalArgumentException("at least one cipher suite is needed");
        }
        return x509 != null ? new TlsServerConfig(x509, alpns, List.of(suites), random)
                : new TlsServerConfig(identity, alpns, List.of(suites), random);
    }

    /** The source of randoms and ephemeral keys; defaults to a {@link SecureRandom}. Seeded only in tests. */
    public TlsServerConfig withRandom(Random random) {
        return x509 != null ? new TlsServerConfig(x509, alpns, cipherSuites, random)
                : new TlsServerConfig(identity, alpns, cipherSuites, random);
    }

    public SecretKey identity() {
        return identity;
    }

    /** Copies of the protocol names we serve. */
    public List<byte[]> alpns() {
        return alpns.stream().map(byte[]::clone).toList();
    }

    public List<CipherSuite> cipherSuites() {
        return cipherSuites;
    }

    /** The X.509 chain we present, or null when we authenticate with our raw key. */
    public X509Credentials x509() {
        return x509;
    }

    List<byte[]> alpnList() {
        return alpns;
    }

    Random random() {
        return random;
    }

    byte[] certificateSpki() {
        return certificateSpki;
    }

    @Override
    public String toString() {
        return "TlsServerConfig(" + (x509 != null ? x509 : identity.publicKey().fmtShort()) + ", alpns " + Alpn.show(alpns) + ", suites "
                + Arrays.toString(cipherSuites.toArray()) + ")";
    }
}
