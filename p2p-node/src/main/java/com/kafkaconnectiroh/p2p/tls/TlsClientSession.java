package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client side of a QUIC TLS 1.3 handshake with raw Ed25519 keys, as iroh dials (RFC 8446, RFC 9001 §4,
 * RFC 7250). Offers X25519, ed25519 and the configured suites and ALPNs; accepts the server only if it proves
 * possession of exactly the expected endpoint's key.
 *
 * <p>Events: {@code HandshakeData(INITIAL, ClientHello)} on {@link #start}; {@code KeysReady(HANDSHAKE)} after
 * ServerHello; after the server's Finished checks out, {@code HandshakeData(HANDSHAKE, Certificate,
 * CertificateVerify, Finished)} (only Finished if the server did not send a CertificateRequest; iroh servers
 * always do), {@code KeysReady(APPLICATION)} and {@code HandshakeComplete}. Afterwards NewSessionTicket messages
 * at APPLICATION level are accepted and ignored (we never resume; since we offer no psk_key_exchange_modes,
 * rustls servers send none anyway).
 *
 * <p>With {@link TlsClientConfig#forCertificate} the server is not an iroh endpoint but presents an ordinary X.509
 * chain (QUIC address discovery against a relay): no certificate type extensions, the usual signature schemes,
 * the chain and name checked by {@link X509Trust}, no client certificate; {@link #peerId()} stays null.
 */
public final class TlsClientSession extends TlsSession {
    private enum State {
        NOT_STARTED, WAIT_SERVER_HELLO, WAIT_ENCRYPTED_EXTENSIONS, WAIT_CERTIFICATE_REQUEST_OR_CERTIFICATE,
        WAIT_CERTIFICATE, WAIT_CERTIFICATE_VERIFY, WAIT_FINISHED, CONNECTED
    }

    private final TlsClientConfig config;
    private final byte[] clientRandom = new byte[32];
    private State state = State.NOT_STARTED;
    private X25519KeyShare keyShare;
    private boolean retried;
    private CipherSuite retrySuite;
    private byte[] certificateRequestContext;
    private EndpointId serverKey;
    /** X.509 mode: the key of the server's verified certificate. */
    private java.security.PublicKey serverCertificateKey;

    /**
     * @param transportParameters our encoded QUIC transport parameters, sent in the quic_transport_parameters
     *     extension (RFC 9001 §8.2)
     */
    public TlsClientSession(TlsClientConfig config, byte[] transportParameters) {
        super(transportParameters);
        this.config = config;
    }

    @Override
    public boolean isClient() {
        return true;
    }

    @Override
    public void start() throws TlsException {
        if (state != State.NOT_STARTED) {
            throw new IllegalStateException("handshake already started");
        }
        config.random().nextBytes(clientRandom);
        if (config.initialKeyShare()) {
            newKeyShare();
        }
        TlsWriter w = new TlsWriter(512);
        writeClientHello(w, null);
        emitData(EncryptionLevel.INITIAL, w);
        state = State.WAIT_SERVER_HELLO;
    }

    private void newKeyShare() {
        keyShare = new X25519KeyShare(config.random());
    }

    @Override
    EncryptionLevel receiveLevel() {
        switch (state) {
            case NOT_STARTED:
                return null;
            case WAIT_SERVER_HELLO:
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
            case WAIT_SERVER_HELLO:
                expect(type, HandshakeType.SERVER_HELLO);
                onServerHello(message);
                break;
            case WAIT_ENCRYPTED_EXTENSIONS:
                expect(type, HandshakeType.ENCRYPTED_EXTENSIONS);
                onEncryptedExtensions(message);
                break;
            case WAIT_CERTIFICATE_REQUEST_OR_CERTIFICATE:
                if (type == HandshakeType.CERTIFICATE_REQUEST) {
                    onCertificateRequest(message);
                } else if (type == HandshakeType.CERTIFICATE) {
                    onCertificate(message);
                } else {
                    throw unexpected(type, "CertificateRequest or Certificate");
                }
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
            case CONNECTED:
                // RFC 9001 §4.1.3/§6: after the handshake only NewSessionTicket may come; KeyUpdate is forbidden.
                expect(type, HandshakeType.NEW_SESSION_TICKET);
                skipNewSessionTicket(message);
                break;
            default:
                throw unexpected(type, "nothing");
        }
    }

    private static void expect(int type, int expected) throws TlsException {
        if (type != expected) {
            throw unexpected(type, HandshakeType.name(expected));
        }
    }

    // ---- ClientHello (RFC 8446 §4.1.2) ----

    private void writeClientHello(TlsWriter w, byte[] cookie) {
        int m = w.beginMessage(HandshakeType.CLIENT_HELLO);
        w.u16(LEGACY_VERSION);
        w.bytes(clientRandom);
        w.u8(0); // legacy_session_id: QUIC forbids middlebox compatibility mode (RFC 9001 §8.4)
        int suites = w.begin(2);
        for (CipherSuite s : config.cipherSuites()) {
            w.u16(s.code);
        }
        w.end(suites);
        w.u8(1).u8(0); // legacy_compression_methods = [null]

        int exts = w.begin(2);
        boolean x509 = config.x509Trust() != null;
        int e;
        int list;
        // server_name (RFC 6066 §3): iroh names servers by their id; servers ignore it but send it back empty.
        // An X.509 server gets its DNS name; an address literal is not allowed there.
        if (!x509 || !X509Trust.isIpLiteral(config.serverName())) {
            String name = x509 ? java.net.IDN.toASCII(config.serverName()) : config.serverName();
            byte[] host = name.getBytes(StandardCharsets.US_ASCII);
            e = extension(w, ExtensionType.SERVER_NAME);
            list = w.begin(2);
            w.u8(0); // host_name
            int h = w.begin(2);
            w.bytes(host);
            w.end(h);
            w.end(list);
            w.end(e);
        }

        e = extension(w, ExtensionType.SUPPORTED_VERSIONS);
        list = w.begin(1);
        w.u16(TLS13);
        w.end(list);
        w.end(e);

        e = extension(w, ExtensionType.SUPPORTED_GROUPS);
        list = w.begin(2);
        w.u16(GROUP_X25519);
        w.end(list);
        w.end(e);

        e = extension(w, ExtensionType.SIGNATURE_ALGORITHMS);
        list = w.begin(2);
        if (x509) {
            for (int scheme : X509Handshake.OFFERED_SCHEMES) {
                w.u16(scheme);
            }
        } else {
            w.u16(SIG_ED25519);
        }
        w.end(list);
        w.end(e);

        e = extension(w, ExtensionType.KEY_SHARE);
        list = w.begin(2);
        if (keyShare != null) {
            w.u16(GROUP_X25519);
            int k = w.begin(2);
            w.bytes(keyShare.publicKey());
            w.end(k);
        }
        w.end(list);
        w.end(e);

        e = extension(w, ExtensionType.ALPN);
        list = w.begin(2);
        for (byte[] p : config.alpnList()) {
            int n = w.begin(1);
            w.bytes(p);
            w.end(n);
        }
        w.end(list);
        w.end(e);

        if (!x509) {
            // RFC 7250 §3: with iroh peers we only do raw public keys, for both directions.
            e = extension(w, ExtensionType.CLIENT_CERTIFICATE_TYPE);
            w.u8(1).u8(CERT_TYPE_RAW_PUBLIC_KEY);
            w.end(e);
            e = extension(w, ExtensionType.SERVER_CERTIFICATE_TYPE);
            w.u8(1).u8(CERT_TYPE_RAW_PUBLIC_KEY);
            w.end(e);
        }

        if (cookie != null) {
            e = extension(w, ExtensionType.COOKIE);
            int c = w.begin(2);
            w.bytes(cookie);
            w.end(c);
            w.end(e);
        }

        e = extension(w, ExtensionType.QUIC_TRANSPORT_PARAMETERS);
        w.bytes(localTransportParameters);
        w.end(e);
        w.end(exts);
        endMessage(w, m);
    }

    private static int extension(TlsWriter w, int type) {
        w.u16(type);
        return w.begin(2);
    }

    // ---- ServerHello / HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4) ----

    private void onServerHello(byte[] message) throws TlsException {
        TlsReader r = body(message);
        int legacyVersion = r.u16("legacy_version");
        int randomAt = r.position();
        r.skip(32, "random");
        boolean hrr = Arrays.equals(message, randomAt, randomAt + 32, HELLO_RETRY_REQUEST_RANDOM, 0, 32);
        String what = hrr ? "HelloRetryRequest" : "ServerHello";
        byte[] sessionIdEcho = r.bytes8("legacy_session_id_echo");
        int suiteCode = r.u16("cipher_suite");
        int compression = r.u8("legacy_compression_method");
        if (!r.hasRemaining()) {
            throw new TlsException(TlsAlert.PROTOCOL_VERSION, "server answered with a pre-TLS 1.3 " + what + " (no extensions)");
        }
        Extensions ext = Extensions.read(r, what);
        r.expectEnd();

        // RFC 8446 §4.1.3: the version is settled first, by supported_versions.
        TlsReader sv = ext.find(ExtensionType.SUPPORTED_VERSIONS);
        if (sv == null) {
            throw new TlsException(TlsAlert.PROTOCOL_VERSION, "server does not speak TLS 1.3: " + what + " lacks supported_versions");
        }
        int version = sv.u16("selected_version");
        sv.expectEnd();
        if (version != TLS13) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, what + " selects version " + hex16(version) + ", we offered only TLS 1.3");
        }
        if (legacyVersion != LEGACY_VERSION) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, what + " legacy_version is " + hex16(legacyVersion) + ", expected 0x0303");
        }
        if (sessionIdEcho.length != 0) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, what + " echoes a " + sessionIdEcho.length + "-byte session id, we sent none");
        }
        CipherSuite selected = CipherSuite.fromCode(suiteCode);
        if (selected == null || !config.cipherSuites().contains(selected)) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, what + " selects cipher suite " + hex16(suiteCode) + ", which we did not offer");
        }
        if (compression != 0) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, what + " selects compression method " + compression);
        }
        if (hrr) {
            onHelloRetryRequest(message, selected, ext);
            return;
        }
        if (retrySuite != null && selected != retrySuite) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER,
                    "ServerHello selects " + selected + " after the HelloRetryRequest selected " + retrySuite);
        }
        ext.allowOnly(ExtensionType.SUPPORTED_VERSIONS, ExtensionType.KEY_SHARE);
        TlsReader ks = ext.require(ExtensionType.KEY_SHARE);
        int group = ks.u16("group");
        byte[] serverShare = ks.bytes16("key_exchange");
        ks.expectEnd();
        if (group != GROUP_X25519 || keyShare == null) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "ServerHello key share is for group " + hex16(group)
                    + (keyShare == null ? ", but we sent no key share" : ", we offered only x25519"));
        }
        if (serverShare.length != X25519KeyShare.KEY_LEN) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server's x25519 share has " + serverShare.length + " bytes, expected 32");
        }
        byte[] shared = keyShare.agree(serverShare);
        keyShare = null;
        if (shared == null) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server's x25519 share yields an all-zero secret");
        }
        suite = selected;
        if (!transcript.started()) {
            transcript.start(selected);
        }
        transcript.add(message);
        keys = new KeySchedule(selected);
        keys.deriveHandshakeSecrets(shared, transcript.currentHash());
        emitKeys(EncryptionLevel.HANDSHAKE, selected, keys.serverHandshakeSecret(), keys.clientHandshakeSecret());
        state = State.WAIT_ENCRYPTED_EXTENSIONS;
    }

    private void onHelloRetryRequest(byte[] message, CipherSuite selected, Extensions ext) throws TlsException {
        if (retried) {
            throw new TlsException(TlsAlert.UNEXPECTED_MESSAGE, "second HelloRetryRequest");
        }
        ext.allowOnly(ExtensionType.SUPPORTED_VERSIONS, ExtensionType.KEY_SHARE, ExtensionType.COOKIE);
        TlsReader ks = ext.find(ExtensionType.KEY_SHARE);
        byte[] cookie = null;
        TlsReader c = ext.find(ExtensionType.COOKIE);
        if (c != null) {
            cookie = c.bytes16("cookie");
            c.expectEnd();
            if (cookie.length == 0) {
                throw new TlsException(TlsAlert.DECODE_ERROR, "HelloRetryRequest carries an empty cookie");
            }
        }
        if (ks == null && cookie == null) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "HelloRetryRequest would not change the ClientHello");
        }
        if (ks != null) {
            int group = ks.u16("selected_group");
            ks.expectEnd();
            if (group != GROUP_X25519) {
                throw new TlsException(TlsAlert.ILLEGAL_PARAMETER,
                        "HelloRetryRequest asks for group " + hex16(group) + ", we support only x25519");
            }
            if (keyShare != null) {
                throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "HelloRetryRequest asks for the x25519 share we already sent");
            }
            newKeyShare();
        }
        retried = true;
        retrySuite = selected;
        // RFC 8446 §4.4.1: ClientHello1 enters the transcript only as its hash.
        transcript.start(selected);
        transcript.replaceWithMessageHash();
        transcript.add(message);
        TlsWriter w = new TlsWriter(512);
        writeClientHello(w, cookie);
        emitData(EncryptionLevel.INITIAL, w);
    }

    // ---- server parameters (RFC 8446 §4.3) ----

    private void onEncryptedExtensions(byte[] message) throws TlsException {
        TlsReader r = body(message);
        Extensions ext = Extensions.read(r, "EncryptedExtensions");
        r.expectEnd();
        ext.allowOnly(ExtensionType.SERVER_NAME, ExtensionType.SUPPORTED_GROUPS, ExtensionType.ALPN,
                ExtensionType.CLIENT_CERTIFICATE_TYPE, ExtensionType.SERVER_CERTIFICATE_TYPE, ExtensionType.QUIC_TRANSPORT_PARAMETERS);
        TlsReader sni = ext.find(ExtensionType.SERVER_NAME);
        if (sni != null) {
            sni.expectEnd(); // a server acknowledges SNI with an empty body (RFC 6066 §3)
        }
        TlsReader groups = ext.find(ExtensionType.SUPPORTED_GROUPS);
        if (groups != null) {
            TlsReader list = groups.vector16("named_group_list");
            groups.expectEnd();
            while (list.hasRemaining()) {
                list.u16("named group");
            }
        }

        TlsReader alpnExt = ext.find(ExtensionType.ALPN);
        if (alpnExt == null) {
            // RFC 9001 §8.1: a QUIC handshake without an agreed application protocol fails.
            throw new TlsException(TlsAlert.NO_APPLICATION_PROTOCOL,
                    "server selected no ALPN protocol; we offered " + Alpn.show(config.alpnList()));
        }
        TlsReader names = alpnExt.vector16("protocol_name_list");
        alpnExt.expectEnd();
        byte[] chosen = names.bytes8("protocol name");
        names.expectEnd();
        if (chosen.length == 0) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "server selected an empty ALPN protocol name");
        }
        if (!Alpn.contains(config.alpnList(), chosen)) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server selected ALPN " + Alpn.show(chosen)
                    + ", which we did not offer (" + Alpn.show(config.alpnList()) + ")");
        }

        if (config.x509Trust() == null) {
            requireRawPublicKeyType(ext, ExtensionType.SERVER_CERTIFICATE_TYPE);
            requireRawPublicKeyType(ext, ExtensionType.CLIENT_CERTIFICATE_TYPE);
        } else if (ext.has(ExtensionType.SERVER_CERTIFICATE_TYPE) || ext.has(ExtensionType.CLIENT_CERTIFICATE_TYPE)) {
            throw new TlsException(TlsAlert.UNSUPPORTED_EXTENSION,
                    "server answered a certificate type extension we did not send (we expect X.509)");
        }

        TlsReader tp = ext.require(ExtensionType.QUIC_TRANSPORT_PARAMETERS);
        peerTransportParameters = tp.bytes(tp.remaining(), "transport parameters");
        alpn = chosen;
        transcript.add(message);
        state = State.WAIT_CERTIFICATE_REQUEST_OR_CERTIFICATE;
    }

    /** RFC 7250 §4.2: the server must confirm raw public keys for each direction we asked for. */
    private static void requireRawPublicKeyType(Extensions ext, int type) throws TlsException {
        TlsReader r = ext.find(type);
        if (r == null) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE,
                    "server did not agree to raw public keys: EncryptedExtensions lacks " + ExtensionType.name(type));
        }
        int certType = r.u8(ExtensionType.name(type));
        r.expectEnd();
        if (certType != CERT_TYPE_RAW_PUBLIC_KEY) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE, "server selected " + ExtensionType.name(type) + " "
                    + certType + ", we offered only RawPublicKey (2)");
        }
    }

    private void onCertificateRequest(byte[] message) throws TlsException {
        TlsReader r = body(message);
        byte[] context = r.bytes8("certificate_request_context");
        Extensions ext = Extensions.read(r, "CertificateRequest");
        r.expectEnd();
        TlsReader sa = ext.require(ExtensionType.SIGNATURE_ALGORITHMS);
        TlsReader list = sa.vector16("supported_signature_algorithms");
        sa.expectEnd();
        if (!list.hasRemaining()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "CertificateRequest lists no signature algorithms");
        }
        // X.509 mode: we have no certificate and answer with an empty one (RFC 8446 §4.4.2); the server decides
        if (!X509Handshake.offers(list, SIG_ED25519) && config.x509Trust() == null) {
            throw new TlsException(TlsAlert.HANDSHAKE_FAILURE,
                    "server does not accept ed25519 (0x0807) client signatures, the only kind our key makes");
        }
        certificateRequestContext = context;
        transcript.add(message);
        state = State.WAIT_CERTIFICATE;
    }

    // ---- server authentication (RFC 8446 §4.4) ----

    private void onCertificate(byte[] message) throws TlsException {
        if (config.x509Trust() != null) {
            java.util.List<java.security.cert.X509Certificate> chain = X509Handshake.readChain(message);
            config.x509Trust().verify(chain, config.serverName());
            serverCertificateKey = chain.get(0).getPublicKey();
            transcript.add(message);
            state = State.WAIT_CERTIFICATE_VERIFY;
            return;
        }
        EndpointId key = readCertificate(message, EMPTY, true);
        if (!key.equals(config.expectedServer())) {
            throw TlsException.peerMismatch(config.expectedServer(), key);
        }
        serverKey = key;
        transcript.add(message);
        state = State.WAIT_CERTIFICATE_VERIFY;
    }

    private void onCertificateVerify(byte[] message) throws TlsException {
        if (serverCertificateKey != null) {
            X509Handshake.verify(message, signedContent(true, transcript.currentHash()), serverCertificateKey);
            transcript.add(message);
            state = State.WAIT_FINISHED;
            return;
        }
        verifyCertificateVerify(message, serverKey, true);
        peerId = serverKey;
        transcript.add(message);
        state = State.WAIT_FINISHED;
    }

    private void onFinished(byte[] message) throws TlsException {
        verifyFinished(message, keys.serverHandshakeSecret(), true);
        transcript.add(message);
        keys.deriveApplicationSecrets(transcript.currentHash());

        TlsWriter w = new TlsWriter(256);
        if (certificateRequestContext != null && config.x509Trust() != null) {
            writeCertificate(w, certificateRequestContext, java.util.List.of()); // no certificate: no CertificateVerify
        } else if (certificateRequestContext != null) {
            writeCertificate(w, certificateRequestContext, config.certificateSpki());
            writeCertificateVerify(w, config.identity(), false);
        }
        writeFinished(w, keys.clientHandshakeSecret());
        emitData(EncryptionLevel.HANDSHAKE, w);
        emitKeys(EncryptionLevel.APPLICATION, suite, keys.serverApplicationSecret(), keys.clientApplicationSecret());
        complete = true;
        state = State.CONNECTED;
        emit(new TlsEvent.HandshakeComplete());
    }

    /** Parses and drops a NewSessionTicket (RFC 8446 §4.6.1): we never resume, but it must be well-formed. */
    private static void skipNewSessionTicket(byte[] message) throws TlsException {
        TlsReader r = body(message);
        r.u32("ticket_lifetime");
        r.u32("ticket_age_add");
        r.bytes8("ticket_nonce");
        TlsReader ticket = r.vector16("ticket");
        if (!ticket.hasRemaining()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "NewSessionTicket with an empty ticket");
        }
        Extensions.read(r, "NewSessionTicket");
        r.expectEnd();
    }
}
