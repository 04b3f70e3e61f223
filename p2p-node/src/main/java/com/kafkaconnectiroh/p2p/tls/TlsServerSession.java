package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The server side of a QUIC TLS 1.3 handshake with raw Ed25519 keys, as iroh accepts (RFC 8446, RFC 9001 §4,
 * RFC 7250). Always requests the client's key; accepts any valid Ed25519 key that signs the transcript, and
 * reports it as {@link #peerId()}. Ignores SNI, PSK offers and 0-RTT (never accepted, never issues tickets).
 *
 * <p>Events after the ClientHello: {@code HandshakeData(INITIAL, ServerHello)}, {@code KeysReady(HANDSHAKE)},
 * {@code HandshakeData(HANDSHAKE, EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify,
 * Finished)}, {@code KeysReady(APPLICATION)}; after the client's Finished checks out, {@code HandshakeComplete}.
 * A ClientHello without an x25519 share (but listing x25519) gets a HelloRetryRequest at INITIAL level instead.
 *
 * <p>With {@link TlsServerConfig#forCertificate} (QUIC address discovery) we present an X.509 chain instead,
 * send no CertificateRequest and wait for the client's Finished right away; {@link #peerId()} stays null.
 */
public final class TlsServerSession extends TlsSession {
    private enum State {
        WAIT_CLIENT_HELLO, WAIT_CERTIFICATE, WAIT_CERTIFICATE_VERIFY, WAIT_FINISHED, CONNECTED
    }

    private final TlsServerConfig config;
    private State state = State.WAIT_CLIENT_HELLO;
    private CipherSuite retrySuite;
    private EndpointId clientKey;

    /**
     * @param transportParameters our encoded QUIC transport parameters, sent in EncryptedExtensions (RFC 9001 §8.2)
     */
    public TlsServerSession(TlsServerConfig config, byte[] transportParameters) {
        super(transportParameters);
        this.config = config;
    }

    @Override
    public boolean isClient() {
        return false;
    }

    /** Nothing to do: the server speaks when the ClientHello arrives. */
    @Override
    public void start() {
    }

    @Override
    EncryptionLevel receiveLevel() {
        switch (state) {
            case WAIT_CLIENT_HELLO:
                return EncryptionLevel.INITIAL;
            case CONNECTED:
                return EncryptionLevel.APPLICATION;
            default:
                return EncryptionLevel.HANDSHAKE;
        }
    }

    @Override
    void handle(int type, byte[] message) throws TlsException {
        switch (state) {
            case WAIT_CLIENT_HELLO:
                expect(type, HandshakeType.CLIENT_HELLO);
                onClientHello(message);
                break;
            case WAIT_CERTIFICATE:
                expect(type, HandshakeType.CERTIFICATE);
                onCertificate(message);
                break;
            case WAIT_CERTIFICATE_VERIFY:
                expect(type, HandshakeType.CERTIFICATE_VERIFY);
                onCertificateVerify(message);
                break;
            case WAIT_FINISHED:
                expect(type, HandshakeType.FINISHED);
                onFinished(message);
                break;
            default:
                // RFC 9001 §6: KeyUpdate is forbidden in QUIC, and clients send nothing else after Finished.
                throw unexpected(type, "no further handshake messages");
        }
    }

    private static void expect(int type, int expected) throws TlsException {
        if (type != expected) {
            throw unexpected(type, HandshakeType.name(expected));
        }
    }

    // ---- ClientHello (RFC 8446 §4.1.2) ----

    private void onClientHello(byte[] message) throws TlsException {
        TlsReader r = body(message);
        r.u16("legacy_version");
        r.skip(32, "random");
        byte[] sessionId = r.bytes8("legacy_session_id");
        TlsReader suites = r.vector16("cipher_suites");
        TlsReader compression = r.vector8("legacy_compression_methods");
        if (!r.hasRemaining()) {
            throw new TlsException(TlsAlert.PROTOCOL_VERSION, "client does not offer TLS 1.3: ClientHello has no extensions");
        }
        Extensions ext = Extensions.read(r, "ClientHello");
        r.expectEnd();
        if (sessionId.length > 32) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "ClientHello session id of " + sessionId.length + " bytes");
        }
        if (ext.has(ExtensionType.PRE_SHARED_KEY) && ext.type(ext.count() - 1) != ExtensionType.PRE_SHARED_KEY) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "ClientHello pre_shared_key is not the last extension");
        }

        requireTls13(ext);
        if (compression.remaining() != 1 || compression.u8("compression method") != 0) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "TLS 1.3 ClientHello must offer exactly the null compression method");
        }
        CipherSuite chosen = chooseSuite(suites);
        if (retrySuite != null && chosen != retrySuite) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "second ClientHello leads to " + chosen + " instead of " + retrySuite);
        }
        X509Credentials x509 = config.x509();
        if (x509 == null) {
            requireEd25519(ext);
            requireRawPublicKeys(ext, ExtensionType.SERVER_CERTIFICATE_TYPE);
            requireRawPublicKeys(ext, ExtensionType.CLIENT_CERTIFICATE_TYPE);
        } else {
            requireScheme(ext, x509.scheme());
        }
        byte[] chosenAlpn = chooseAlpn(ext);
        TlsReader tp = ext.require(ExtensionType.QUIC_TRANSPORT_PARAMETERS);
        byte[] clientTransportParameters = tp.bytes(tp.remaining(), "transport parameters");
        byte[] clientShare = x25519Share(ext);
        if (retrySuite != null && ext.has(ExtensionType.EARLY_DATA)) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "second ClientHello offers early data");
        }

        suite = chosen;
        if (clientShare == null) {
            sendHelloRetryRequest(message, sessionId);
            return;
        }
        alpn = chosenAlpn;
        peerTransportParameters = clientTransportParameters;
        if (!transcript.started()) {
            transcript.start(chosen);
        }
        transcript.add(message);

        X25519KeyShare keyShare = new X25519KeyShare(config.random());
        byte[] shared = keyShare.agree(clientShare);
        if (shared == null) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "client's x25519 share yields an all-zero secret");
        }
        byte[] serverRandom = new byte[32];
        config.random().nextBytes(serverRandom);

        TlsWriter w = new TlsWriter(128);
        writeServerHello(w, serverRandom, sessionId, keyShare.publicKey());
        emitData(EncryptionLevel.INITIAL, w);

        keys = new KeySchedule(chosen);
        keys.deriveHandshakeSecrets(shared, transcript.currentHash());
        emitKeys(EncryptionLevel.HANDSHAKE, chosen, keys.clientHandshakeSecret(), keys.serverHandshakeSecret());

        w = new TlsWriter(512 + localTransportParameters.length);
        writeEncryptedExtensions(w);
        if (x509 == null) {
            writeCertificateRequest(w);
            writeCertificate(w, EMPTY, config.certificateSpki());
            writeCertificateVerify(w, config.identity(), true);
        } else {
            // an X.509 server (QUIC address discovery) does not ask who the client is
            writeCertificate(w, EMPTY, x509.encodedChain());
            writeCertificateVerify(w, x509, true);
        }
        writeFinished(w, keys.serverHandshakeSecret());
        emitData(EncryptionLevel.HANDSHAKE, w);

        keys.deriveApplicationSecrets(transcript.currentHash());
        emitKeys(EncryptionLevel.APPLICATION, chosen, keys.clientApplicationSecret(), keys.serverApplicationSecret());
        state = x509 == null ? State.WAIT_CERTIFICATE : State.WAIT_FINISHED;
    }

    private static void requireTls13(Extensions ext) throws TlsException {
        TlsReader sv = ext.find(ExtensionType.SUPPORTED_VERSIONS);
        if (sv == null) {
            throw new TlsException(TlsAlert.PROTOCOL_VERSION, "client does not offer TLS 1.3: no supported_versions");
        }
        TlsReader list = sv.vector8("versions");
        sv.expectEnd();
        boolean tls13 = false;
        while (list.hasRemaining()) {
            tls13 |= list.u16("version") == TLS13;
        }
        if (!tls13) {
            throw new TlsException(TlsAlert.PROTOCOL_VERSION, "client does not offer TLS 1.3 in supported_versions");
        }
    }

    /** Our preference among what the client offers (AES-128-GCM first by default). */
    private CipherSuite chooseSuite(TlsReader suites) throws TlsException {
        if (suites.remaining() == 0 || suites.remaining() % 2 != 0) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello cipher_suites has " + suites.remaining() + " bytes");
        }
        List<Integer> offered = new ArrayList<>(suites.remaining() / 2);
        while (suites.hasRemaining()) {
            offered.add(suites.u16("cipher suite"));
        }
        for (CipherSuite s : config.cipherSuites()) {
            if (offered.contains(s.code)) {
                return s;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(offered.size(), 16); i++) {
            sb.append(i == 0 ? "" : ", ").append(hex16(offered.get(i)));
        }
        if (offered.size() > 16) {
            sb.append(", … ").append(offered.size() - 16).append(" more");
        }
        throw new TlsException(TlsAlert.HANDSHAKE_FAILURE,
                "no cipher suite in common: client offers [" + sb + "], we accept " + config.cipherSuites());
    }

    private static void requireEd25519(Extensions ext) throws TlsException {
        TlsReader sa = ext.require(ExtensionType.SIGNATURE_ALGORITHMS);
        TlsReader list = sa.vector16("supported_signature_algorithms");
        sa.expectEnd();
        if (!list.hasRemaining()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello signature_algorithms is empty");
        }
        boolean ed25519 = false;
        while (list.hasRemaining()) {
            ed25519 |= list.u16("signature scheme") == SIG_ED25519;
        }
        if (!ed25519) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE, "client does not accept ed25519 (0x0807) signatures, the only kind we make");
        }
    }

    /** An X.509 server signs with the scheme its key allows; the client must accept it (RFC 8446 §4.2.3). */
    private static void requireScheme(Extensions ext, SignatureScheme scheme) throws TlsException {
        TlsReader sa = ext.require(ExtensionType.SIGNATURE_ALGORITHMS);
        TlsReader list = sa.vector16("supported_signature_algorithms");
        sa.expectEnd();
        if (!X509Handshake.offers(list, scheme.code)) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE, "client does not accept " + scheme + " (" + hex16(scheme.code)
                    + ") signatures, the only kind our certificate key makes");
        }
    }

    /** RFC 7250 §4.1; like rustls, a client that does not offer raw public keys gets handshake_failure. */
    private static void requireRawPublicKeys(Extensions ext, int type) throws TlsException {
        TlsReader r = ext.find(type);
        if (r == null) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE,
                    "client does not offer raw public keys: ClientHello lacks " + ExtensionType.name(type));
        }
        TlsReader list = r.vector8(ExtensionType.name(type));
        r.expectEnd();
        if (!list.hasRemaining()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello " + ExtensionType.name(type) + " is empty");
        }
        boolean rpk = false;
        while (list.hasRemaining()) {
            rpk |= list.u8("certificate type") == CERT_TYPE_RAW_PUBLIC_KEY;
        }
        if (!rpk) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE,
                    "client does not offer RawPublicKey (2) in " + ExtensionType.name(type));
        }
    }

    /** The first protocol in the client's order that we serve; none, or no ALPN at all, is fatal (RFC 9001 §8.1). */
    private byte[] chooseAlpn(Extensions ext) throws TlsException {
        TlsReader a = ext.find(ExtensionType.ALPN);
        if (a == null) {
            throw new TlsException(TlsAlert.NO_APPLICATION_PROTOCOL,
                    "client offers no ALPN protocol; we serve " + Alpn.show(config.alpnList()));
        }
        TlsReader list = a.vector16("protocol_name_list");
        a.expectEnd();
        if (!list.hasRemaining()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello ALPN list is empty");
        }
        List<byte[]> offered = new ArrayList<>(4);
        byte[] chosen = null;
        while (list.hasRemaining()) {
            byte[] p = list.bytes8("protocol name");
            if (p.length == 0) {
                throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello ALPN list holds an empty name");
            }
            offered.add(p);
            if (chosen == null && Alpn.contains(config.alpnList(), p)) {
                chosen = p;
            }
        }
        if (chosen == null) {
            throw new TlsException(TlsAlert.NO_APPLICATION_PROTOCOL,
                    "no ALPN protocol in common: client offers " + Alpn.show(offered) + ", we serve " + Alpn.show(config.alpnList()));
        }
        return chosen;
    }

    /** The client's x25519 share, or null if it sent none (then a HelloRetryRequest asks for one). */
    private byte[] x25519Share(Extensions ext) throws TlsException {
        TlsReader sg = ext.require(ExtensionType.SUPPORTED_GROUPS);
        TlsReader groups = sg.vector16("named_group_list");
        sg.expectEnd();
        if (!groups.hasRemaining() || groups.remaining() % 2 != 0) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "ClientHello supported_groups has " + groups.remaining() + " bytes");
        }
        // Bit sets keep a hostile 64 KiB ClientHello with thousands of groups linear to check.
        BitSet supported = new BitSet(1 << 16);
        while (groups.hasRemaining()) {
            supported.set(groups.u16("named group"));
        }
        TlsReader ks = ext.require(ExtensionType.KEY_SHARE);
        TlsReader shares = ks.vector16("client_shares");
        ks.expectEnd();
        BitSet seen = new BitSet(1 << 16);
        byte[] x25519 = null;
        while (shares.hasRemaining()) {
            int group = shares.u16("key share group");
            byte[] key = shares.bytes16("key_exchange");
            if (key.length == 0) {
                throw new TlsException(TlsAlert.DECODE_ERROR, "empty key share for group " + hex16(group));
            }
            // RFC 8446 §4.2.8: one share per group, each for a group listed in supported_groups.
            if (seen.get(group)) {
                throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "ClientHello has two key shares for group " + hex16(group));
            }
            if (!supported.get(group)) {
                throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "key share for group " + hex16(group) + " not in supported_groups");
            }
            seen.set(group);
            if (group == GROUP_X25519) {
                if (key.length != X25519KeyShare.KEY_LEN) {
                    throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "client's x25519 share has " + key.length + " bytes, expected 32");
                }
                x25519 = key;
            }
        }
        if (x25519 == null) {
            if (retrySuite != null) {
                throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "second ClientHello still lacks the x25519 share we asked for");
            }
            if (!supported.get(GROUP_X25519)) {
                throw new TlsException(TlsAlert.HANDSHAKE_FAILURE, "no key exchange group in common: we support only x25519");
            }
        }
        return x25519;
    }

    /** RFC 8446 §4.1.4: ask for an x25519 share; ClientHello1 enters the transcript as its hash. */
    private void sendHelloRetryRequest(byte[] clientHello1, byte[] sessionId) {
        retrySuite = suite;
        transcript.start(suite);
        transcript.add(clientHello1);
        transcript.replaceWithMessageHash();
        TlsWriter w = new TlsWriter(64);
        int m = w.beginMessage(HandshakeType.SERVER_HELLO);
        w.u16(LEGACY_VERSION);
        w.bytes(HELLO_RETRY_REQUEST_RANDOM);
        int s = w.begin(1);
        w.bytes(sessionId);
        w.end(s);
        w.u16(suite.code);
        w.u8(0);
        int exts = w.begin(2);
        w.u16(ExtensionType.SUPPORTED_VERSIONS).u16(2).u16(TLS13);
        w.u16(ExtensionType.KEY_SHARE).u16(2).u16(GROUP_X25519);
        w.end(exts);
        endMessage(w, m);
        emitData(EncryptionLevel.INITIAL, w);
    }

    // ---- our flight (RFC 8446 §4.1.3, §4.3) ----

    private void writeServerHello(TlsWriter w, byte[] random, byte[] sessionId, byte[] x25519Public) {
        int m = w.beginMessage(HandshakeType.SERVER_HELLO);
        w.u16(LEGACY_VERSION);
        w.bytes(random);
        int s = w.begin(1);
        w.bytes(sessionId);
        w.end(s);
        w.u16(suite.code);
        w.u8(0);
        int exts = w.begin(2);
        w.u16(ExtensionType.SUPPORTED_VERSIONS).u16(2).u16(TLS13);
        w.u16(ExtensionType.KEY_SHARE).u16(4 + X25519KeyShare.KEY_LEN).u16(GROUP_X25519).u16(X25519KeyShare.KEY_LEN).bytes(x25519Public);
        w.end(exts);
        endMessage(w, m);
    }

    private void writeEncryptedExtensions(TlsWriter w) {
        int m = w.beginMessage(HandshakeType.ENCRYPTED_EXTENSIONS);
        int exts = w.begin(2);
        w.u16(ExtensionType.ALPN).u16(2 + 1 + alpn.length).u16(1 + alpn.length).u8(alpn.length).bytes(alpn);
        if (config.x509() == null) {
            w.u16(ExtensionType.CLIENT_CERTIFICATE_TYPE).u16(1).u8(CERT_TYPE_RAW_PUBLIC_KEY);
            w.u16(ExtensionType.SERVER_CERTIFICATE_TYPE).u16(1).u8(CERT_TYPE_RAW_PUBLIC_KEY);
        }
        w.u16(ExtensionType.QUIC_TRANSPORT_PARAMETERS).u16(localTransportParameters.length).bytes(localTransportParameters);
        w.end(exts);
        endMessage(w, m);
    }

    /** Mutual authentication is mandatory, as in iroh: always ask for the client's key. */
    private void writeCertificateRequest(TlsWriter w) {
        int m = w.beginMessage(HandshakeType.CERTIFICATE_REQUEST);
        w.u8(0); // certificate_request_context: empty during the handshake (RFC 8446 §4.3.2)
        int exts = w.begin(2);
        w.u16(ExtensionType.SIGNATURE_ALGORITHMS).u16(4).u16(2).u16(SIG_ED25519);
        w.end(exts);
        endMessage(w, m);
    }

    // ---- client authentication (RFC 8446 §4.4) ----

    private void onCertificate(byte[] message) throws TlsException {
        clientKey = readCertificate(message, EMPTY, false);
        transcript.add(message);
        state = State.WAIT_CERTIFICATE_VERIFY;
    }

    private void onCertificateVerify(byte[] message) throws TlsException {
        verifyCertificateVerify(message, clientKey, false);
        peerId = clientKey;
        transcript.add(message);
        state = State.WAIT_FINISHED;
    }

    private void onFinished(byte[] message) throws TlsException {
        verifyFinished(message, keys.clientHandshakeSecret(), false);
        transcript.add(message);
        complete = true;
        state = State.CONNECTED;
        emit(new TlsEvent.HandshakeComplete());
    }
}
