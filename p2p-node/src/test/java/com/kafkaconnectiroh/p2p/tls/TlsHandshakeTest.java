package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsHandshakeTest {
    static final SecretKey CLIENT_KEY = key(1);
    static final SecretKey SERVER_KEY = key(2);
    static final byte[] BLOBS = ascii("/iroh-bytes/4");
    static final byte[] GOSSIP = ascii("/iroh-gossip/1");
    static final byte[] CLIENT_TP = {0x01, 0x04, (byte) 0x80, 0x00, 0x75, 0x30, 0x0e, 0x01, 0x08};
    static final byte[] SERVER_TP = {0x03, 0x02, 0x45, (byte) 0xc0, 0x04, 0x04, (byte) 0x80, 0x10, 0x00, 0x00};

    static SecretKey key(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return SecretKey.fromBytes(seed);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static TlsClientConfig clientConfig() {
        return new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(BLOBS)).withRandom(new Random(7));
    }

    static TlsServerConfig serverConfig() {
        return new TlsServerConfig(SERVER_KEY, List.of(GOSSIP, BLOBS)).withRandom(new Random(8));
    }

    static HandshakeLoop loop(TlsClientConfig c, TlsServerConfig s) {
        return new HandshakeLoop(new TlsClientSession(c, CLIENT_TP), new TlsServerSession(s, SERVER_TP));
    }

    static HandshakeLoop loop() {
        return loop(clientConfig(), serverConfig());
    }

    // ---- successful handshakes ----

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void completesWithEverySuiteAndBothSidesDeriveTheSameSecrets(CipherSuite suite) throws TlsException {
        HandshakeLoop l = loop(clientConfig().withCipherSuites(suite), serverConfig()).run();
        assertCompleted(l, suite);
        assertEquals(List.of("data INITIAL [ClientHello]", "keys HANDSHAKE",
                        "data HANDSHAKE [Certificate, CertificateVerify, Finished]", "keys APPLICATION", "complete"),
                HandshakeLoop.describe(l.clientEvents));
        assertEquals(List.of("data INITIAL [ServerHello]", "keys HANDSHAKE",
                        "data HANDSHAKE [EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished]",
                        "keys APPLICATION", "complete"),
                HandshakeLoop.describe(l.serverEvents));
    }

    static void assertCompleted(HandshakeLoop l, CipherSuite suite) {
        TlsClientSession c = l.client;
        TlsServerSession s = l.server;
        assertTrue(c.isHandshakeComplete(), "client complete");
        assertTrue(s.isHandshakeComplete(), "server complete");
        assertSame(suite, c.cipherSuite());
        assertSame(suite, s.cipherSuite());
        assertEquals(SERVER_KEY.publicKey(), c.peerId());
        assertEquals(CLIENT_KEY.publicKey(), s.peerId());
        assertArrayEquals(BLOBS, c.alpn());
        assertArrayEquals(BLOBS, s.alpn());
        assertArrayEquals(SERVER_TP, c.peerTransportParameters());
        assertArrayEquals(CLIENT_TP, s.peerTransportParameters());
        for (EncryptionLevel level : List.of(EncryptionLevel.HANDSHAKE, EncryptionLevel.APPLICATION)) {
            TlsEvent.KeysReady ck = HandshakeLoop.keys(l.clientEvents, level);
            TlsEvent.KeysReady sk = HandshakeLoop.keys(l.serverEvents, level);
            assertNotNull(ck, "client keys for " + level);
            assertNotNull(sk, "server keys for " + level);
            assertSame(suite, ck.suite());
            assertSame(suite, sk.suite());
            assertEquals(suite.hashLength, ck.writeSecret().length);
            assertArrayEquals(ck.writeSecret(), sk.readSecret(), level + ": client write = server read");
            assertArrayEquals(sk.writeSecret(), ck.readSecret(), level + ": server write = client read");
            assertFalse(Arrays.equals(ck.writeSecret(), ck.readSecret()), level + ": directions differ");
        }
        assertFalse(Arrays.equals(HandshakeLoop.keys(l.clientEvents, EncryptionLevel.HANDSHAKE).writeSecret(),
                HandshakeLoop.keys(l.clientEvents, EncryptionLevel.APPLICATION).writeSecret()));
    }

    @Test
    void quicMayWipeTheSecretsItIsGiven() throws TlsException {
        HandshakeLoop l = loop();
        l.wipeSecrets = true;
        assertCompleted(l.run(), CipherSuite.TLS_AES_128_GCM_SHA256);
    }

    @Test
    void twoHandshakesWithFreshRandomnessDeriveDifferentSecrets() throws TlsException {
        HandshakeLoop a = loop(new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(BLOBS)),
                new TlsServerConfig(SERVER_KEY, List.of(BLOBS))).run();
        HandshakeLoop b = loop(new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(BLOBS)),
                new TlsServerConfig(SERVER_KEY, List.of(BLOBS))).run();
        assertCompleted(a, CipherSuite.TLS_AES_128_GCM_SHA256);
        assertCompleted(b, CipherSuite.TLS_AES_128_GCM_SHA256);
        assertFalse(Arrays.equals(HandshakeLoop.keys(a.clientEvents, EncryptionLevel.APPLICATION).writeSecret(),
                HandshakeLoop.keys(b.clientEvents, EncryptionLevel.APPLICATION).writeSecret()));
    }

    @Test
    void serverChoosesItsPreferredSuiteAmongTheOffered() throws TlsException {
        HandshakeLoop l = loop(clientConfig().withCipherSuites(CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
                CipherSuite.TLS_AES_256_GCM_SHA384, CipherSuite.TLS_AES_128_GCM_SHA256), serverConfig()).run();
        assertCompleted(l, CipherSuite.TLS_AES_128_GCM_SHA256);
        l = loop(clientConfig().withCipherSuites(CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384),
                serverConfig()).run();
        assertCompleted(l, CipherSuite.TLS_AES_256_GCM_SHA384);
    }

    @Test
    void noCommonSuiteIsHandshakeFailure() {
        HandshakeLoop l = loop(clientConfig().withCipherSuites(CipherSuite.TLS_CHACHA20_POLY1305_SHA256),
                serverConfig().withCipherSuites(CipherSuite.TLS_AES_128_GCM_SHA256));
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, e.alert());
        assertSame(e, l.server.failure());
    }

    @Test
    void clientHelloCarriesWhatIrohExpects() throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig(), CLIENT_TP);
        c.start();
        TlsEvent.HandshakeData d = (TlsEvent.HandshakeData) c.poll();
        assertEquals(EncryptionLevel.INITIAL, d.level());
        byte[] ch = d.data();
        assertEquals(HandshakeType.CLIENT_HELLO, ch[0]);
        assertEquals(1, Messages.split(ch).size());
        // legacy_session_id must be empty in QUIC (RFC 9001 §8.4); suites AES-128 first.
        assertEquals(0, ch[4 + 2 + 32]);
        assertEquals(0x1301, ((ch[4 + 35 + 2] & 0xFF) << 8) | (ch[4 + 35 + 3] & 0xFF));
        assertArrayEquals(new byte[] {1, 2}, Messages.extension(ch, ExtensionType.CLIENT_CERTIFICATE_TYPE));
        assertArrayEquals(new byte[] {1, 2}, Messages.extension(ch, ExtensionType.SERVER_CERTIFICATE_TYPE));
        assertArrayEquals(new byte[] {0, 2, 0x08, 0x07}, Messages.extension(ch, ExtensionType.SIGNATURE_ALGORITHMS));
        assertArrayEquals(new byte[] {0, 2, 0x00, 0x1d}, Messages.extension(ch, ExtensionType.SUPPORTED_GROUPS));
        assertArrayEquals(new byte[] {2, 0x03, 0x04}, Messages.extension(ch, ExtensionType.SUPPORTED_VERSIONS));
        assertArrayEquals(CLIENT_TP, Messages.extension(ch, ExtensionType.QUIC_TRANSPORT_PARAMETERS));
        byte[] ks = Messages.extension(ch, ExtensionType.KEY_SHARE);
        assertEquals(2 + 2 + 2 + 32, ks.length);
        byte[] sni = Messages.extension(ch, ExtensionType.SERVER_NAME);
        String name = new String(sni, 5, sni.length - 5, StandardCharsets.US_ASCII);
        assertEquals(IrohServerName.encode(SERVER_KEY.publicKey()), name);
        assertNull(c.poll());
    }

    // ---- ALPN ----

    @Test
    void serverPicksTheFirstAlpnInTheClientsOrderThatItServes() throws TlsException {
        TlsClientConfig c = new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(ascii("x/0"), GOSSIP, BLOBS));
        HandshakeLoop l = loop(c, serverConfig()).run();
        assertArrayEquals(GOSSIP, l.client.alpn());
        assertArrayEquals(GOSSIP, l.server.alpn());
    }

    @Test
    void alpnMismatchIsNoApplicationProtocol() {
        TlsClientConfig c = new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(ascii("/iroh-sync/1")));
        HandshakeLoop l = loop(c, serverConfig());
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, e.alert());
        assertEquals(0x178, TransportError.cryptoError(e.alert()));
        assertSame(e, l.server.failure());
        assertTrue(e.getMessage().contains("/iroh-sync/1"), e.getMessage());
    }

    @Test
    void clientHelloWithoutAlpnIsNoApplicationProtocol() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> i == 0
                ? Messages.rewriteExtensions(data, x -> Messages.without(x, ExtensionType.ALPN)) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, e.alert());
        assertSame(e, l.server.failure());
    }

    @Test
    void clientRejectsAnAlpnItDidNotOffer() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 0, ee -> Messages.rewriteExtensions(ee,
                        x -> Messages.with(x, ExtensionType.ALPN, new byte[] {0, 4, 3, 'f', 'o', 'o'})))
                : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
        assertSame(e, l.client.failure());
    }

    @Test
    void clientRejectsEncryptedExtensionsWithoutAlpn() {
        TlsException e = serverEncryptedExtensionsRewritten(x -> Messages.without(x, ExtensionType.ALPN));
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, e.alert());
    }

    // ---- identity ----

    @Test
    void clientRejectsAServerWithAnotherKey() {
        SecretKey impostor = key(3);
        HandshakeLoop l = loop(clientConfig(), new TlsServerConfig(impostor, List.of(BLOBS)));
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
        assertTrue(e.peerMismatch());
        assertSame(e, l.client.failure());
        assertEquals("expected peer " + SERVER_KEY.publicKey() + ", got " + impostor.publicKey(), e.getMessage());
        assertNull(l.client.peerId());
        assertFalse(l.client.isHandshakeComplete());
    }

    @Test
    void tamperedServerSignatureIsDecryptError() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 3, cv -> flipLastByte(cv)) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertSame(e, l.client.failure());
        assertNull(l.client.peerId());
    }

    @Test
    void tamperedClientSignatureIsDecryptError() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 1, cv -> flipLastByte(cv)) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertSame(e, l.server.failure());
        assertNull(l.server.peerId());
        assertFalse(l.server.isHandshakeComplete());
        assertTrue(l.client.isHandshakeComplete(), "the client finished before the server judged it");
    }

    @Test
    void tamperedServerFinishedIsDecryptError() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 4, TlsHandshakeTest::flipLastByte) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertSame(e, l.client.failure());
        assertNull(HandshakeLoop.keys(l.clientEvents, EncryptionLevel.APPLICATION));
    }

    @Test
    void tamperedClientFinishedIsDecryptError() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 2, TlsHandshakeTest::flipLastByte) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertSame(e, l.server.failure());
        assertFalse(l.server.isHandshakeComplete());
    }

    @Test
    void alteredEncryptedExtensionsBreakTheServerFinished() {
        // A change the client accepts on its own (another offered ALPN) must still fail the transcript check.
        TlsClientConfig c = new TlsClientConfig(CLIENT_KEY, SERVER_KEY.publicKey(), List.of(BLOBS, GOSSIP));
        HandshakeLoop l = loop(c, serverConfig()).tamper((fromClient, level, i, data) ->
                !fromClient && level == EncryptionLevel.HANDSHAKE
                        ? Messages.replace(data, 0, ee -> Messages.rewriteExtensions(ee, x -> Messages.with(x, ExtensionType.ALPN,
                                new byte[] {0, 15, 14, '/', 'i', 'r', 'o', 'h', '-', 'g', 'o', 's', 's', 'i', 'p', '/', '1'})))
                        : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertSame(e, l.client.failure());
    }

    @Test
    void serverSignatureWithAnotherSchemeIsIllegalParameter() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 3, cv -> {
                    byte[] m = cv.clone();
                    m[5] = 0x03; // 0x0403 ecdsa_secp256r1_sha256
                    m[4] = 0x04;
                    return m;
                })
                : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
    }

    static byte[] flipLastByte(byte[] m) {
        byte[] out = m.clone();
        out[out.length - 1] ^= 1;
        return out;
    }

    // ---- certificates ----

    static byte[] certificateMessage(byte[] context, byte[]... entries) {
        java.io.ByteArrayOutputStream list = new java.io.ByteArrayOutputStream();
        for (byte[] e : entries) {
            list.write(e.length >>> 16);
            list.write(e.length >>> 8);
            list.write(e.length);
            list.writeBytes(e);
            list.write(0);
            list.write(0);
        }
        byte[] l = list.toByteArray();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(context.length);
        body.writeBytes(context);
        body.write(l.length >>> 16);
        body.write(l.length >>> 8);
        body.write(l.length);
        body.writeBytes(l);
        return Messages.message(HandshakeType.CERTIFICATE, body.toByteArray());
    }

    TlsException serverCertificateReplacedBy(byte[] certificate) {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 2, m -> certificate) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertSame(e, l.client.failure());
        return e;
    }

    TlsException clientCertificateReplacedBy(byte[] certificate) {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 0, m -> certificate) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertSame(e, l.server.failure());
        return e;
    }

    /** A P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1) with a dummy point. */
    static byte[] p256Spki() {
        byte[] prefix = com.kafkaconnectiroh.p2p.base.Hex.decode("3059301306072a8648ce3d020106082a8648ce3d030107034200");
        byte[] spki = Arrays.copyOf(prefix, prefix.length + 65);
        spki[prefix.length] = 4;
        return spki;
    }

    @Test
    void nonEd25519KeysAreUnsupportedCertificates() {
        TlsException e = serverCertificateReplacedBy(certificateMessage(new byte[0], p256Spki()));
        assertEquals(TlsAlert.UNSUPPORTED_CERTIFICATE, e.alert());
        assertTrue(e.getMessage().contains("1.2.840.10045.2.1"), e.getMessage());
        e = clientCertificateReplacedBy(certificateMessage(new byte[0], p256Spki()));
        assertEquals(TlsAlert.UNSUPPORTED_CERTIFICATE, e.alert());
    }

    @Test
    void malformedSpkiIsBadCertificate() {
        byte[] good = RawPublicKey.encode(SERVER_KEY.publicKey());
        TlsException e = serverCertificateReplacedBy(certificateMessage(new byte[0], Arrays.copyOf(good, 43)));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
        assertFalse(e.peerMismatch(), "a malformed key is not another peer");
        byte[] badLength = good.clone();
        badLength[1] = 0x2b;
        e = serverCertificateReplacedBy(certificateMessage(new byte[0], badLength));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
        e = clientCertificateReplacedBy(certificateMessage(new byte[0], new byte[] {0x30, 0x00}));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
    }

    @Test
    void keyThatIsNotACurvePointIsBadCertificate() {
        byte[] spki = RawPublicKey.encode(CLIENT_KEY.publicKey());
        for (int v = 0; ; v++) {
            byte[] k = new byte[32];
            k[0] = (byte) v;
            k[1] = (byte) (v >> 8);
            k[31] = 0x7f;
            if (!com.kafkaconnectiroh.p2p.crypto.Ed25519.isValidPublicKey(k)) {
                System.arraycopy(k, 0, spki, 12, 32);
                break;
            }
        }
        TlsException e = clientCertificateReplacedBy(certificateMessage(new byte[0], spki));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
        assertTrue(e.getMessage().contains("not a valid Ed25519 point"), e.getMessage());
    }

    @Test
    void moreThanOneEntryIsBadCertificate() {
        byte[] spki = RawPublicKey.encode(SERVER_KEY.publicKey());
        TlsException e = serverCertificateReplacedBy(certificateMessage(new byte[0], spki, spki));
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert());
    }

    @Test
    void clientWithoutCertificateIsCertificateRequired() {
        TlsException e = clientCertificateReplacedBy(certificateMessage(new byte[0]));
        assertEquals(TlsAlert.CERTIFICATE_REQUIRED, e.alert());
        assertEquals(0x174, TransportError.cryptoError(e.alert()));
    }

    @Test
    void serverCertificateWithContextIsIllegalParameter() {
        TlsException e = serverCertificateReplacedBy(certificateMessage(new byte[] {1}, RawPublicKey.encode(SERVER_KEY.publicKey())));
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
    }

    // ---- EncryptedExtensions checks on the client ----

    TlsException serverEncryptedExtensionsRewritten(java.util.function.UnaryOperator<List<Messages.Ext>> f) {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 0, ee -> Messages.rewriteExtensions(ee, f)) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertSame(e, l.client.failure());
        return e;
    }

    @Test
    void serverMustEchoBothRawPublicKeyTypes() {
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, serverEncryptedExtensionsRewritten(
                x -> Messages.without(x, ExtensionType.SERVER_CERTIFICATE_TYPE)).alert());
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, serverEncryptedExtensionsRewritten(
                x -> Messages.without(x, ExtensionType.CLIENT_CERTIFICATE_TYPE)).alert());
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, serverEncryptedExtensionsRewritten(
                x -> Messages.with(x, ExtensionType.SERVER_CERTIFICATE_TYPE, new byte[] {0})).alert());
    }

    @Test
    void missingServerTransportParametersIsMissingExtension() {
        TlsException e = serverEncryptedExtensionsRewritten(x -> Messages.without(x, ExtensionType.QUIC_TRANSPORT_PARAMETERS));
        assertEquals(TlsAlert.MISSING_EXTENSION, e.alert());
        assertEquals(0x16d, TransportError.cryptoError(e.alert()));
    }

    @Test
    void unsolicitedEncryptedExtensionIsUnsupportedExtension() {
        TlsException e = serverEncryptedExtensionsRewritten(x -> Messages.with(x, ExtensionType.EARLY_DATA, new byte[0]));
        assertEquals(TlsAlert.UNSUPPORTED_EXTENSION, e.alert());
        e = serverEncryptedExtensionsRewritten(x -> Messages.with(x, 0x1234, new byte[] {1}));
        assertEquals(TlsAlert.UNSUPPORTED_EXTENSION, e.alert());
    }

    @Test
    void duplicateExtensionIsIllegalParameter() {
        TlsException e = serverEncryptedExtensionsRewritten(x -> {
            x.add(x.get(0));
            return x;
        });
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
    }

    @Test
    void clientAcceptsAnSniAcknowledgementAsRustlsSends() throws TlsException {
        // rustls servers answer our SNI with an empty server_name in EncryptedExtensions; the altered transcript
        // then fails only at the server's signature, which proves the EE itself was accepted.
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 0, ee -> Messages.rewriteExtensions(ee, x -> Messages.with(x, ExtensionType.SERVER_NAME, new byte[0])))
                : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertTrue(e.getMessage().contains("server CertificateVerify"), e.getMessage());
    }

    @Test
    void certificateRequestWithoutEd25519IsHandshakeFailure() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> !fromClient && level == EncryptionLevel.HANDSHAKE
                ? Messages.replace(data, 1, cr -> Messages.rewriteExtensions(cr,
                        x -> Messages.with(x, ExtensionType.SIGNATURE_ALGORITHMS, new byte[] {0, 2, 0x04, 0x03})))
                : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, e.alert());
    }

    // ---- ClientHello checks on the server ----

    TlsException clientHelloRewritten(java.util.function.UnaryOperator<List<Messages.Ext>> f) {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> i == 0 ? Messages.rewriteExtensions(data, f) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertSame(e, l.server.failure());
        return e;
    }

    @Test
    void serverRequiresTheClientsTransportParameters() {
        assertEquals(TlsAlert.MISSING_EXTENSION,
                clientHelloRewritten(x -> Messages.without(x, ExtensionType.QUIC_TRANSPORT_PARAMETERS)).alert());
    }

    @Test
    void serverRequiresRawPublicKeysBothWays() {
        assertEquals(TlsAlert.HANDSHAKE_FAILURE,
                clientHelloRewritten(x -> Messages.without(x, ExtensionType.CLIENT_CERTIFICATE_TYPE)).alert());
        assertEquals(TlsAlert.HANDSHAKE_FAILURE,
                clientHelloRewritten(x -> Messages.with(x, ExtensionType.SERVER_CERTIFICATE_TYPE, new byte[] {1, 0})).alert());
    }

    @Test
    void serverRequiresEd25519AndTls13() {
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, clientHelloRewritten(
                x -> Messages.with(x, ExtensionType.SIGNATURE_ALGORITHMS, new byte[] {0, 4, 0x04, 0x03, 0x08, 0x04})).alert());
        assertEquals(TlsAlert.MISSING_EXTENSION,
                clientHelloRewritten(x -> Messages.without(x, ExtensionType.SIGNATURE_ALGORITHMS)).alert());
        assertEquals(TlsAlert.PROTOCOL_VERSION,
                clientHelloRewritten(x -> Messages.without(x, ExtensionType.SUPPORTED_VERSIONS)).alert());
        assertEquals(TlsAlert.PROTOCOL_VERSION,
                clientHelloRewritten(x -> Messages.with(x, ExtensionType.SUPPORTED_VERSIONS, new byte[] {2, 3, 3})).alert());
    }

    @Test
    void serverWithoutACommonGroupIsHandshakeFailure() {
        TlsException e = clientHelloRewritten(x -> Messages.with(Messages.with(x, ExtensionType.SUPPORTED_GROUPS,
                new byte[] {0, 2, 0x00, 0x17}), ExtensionType.KEY_SHARE, new byte[] {0, 0}));
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, e.alert());
    }

    @Test
    void serverRejectsAKeyShareOutsideSupportedGroupsAndSmallOrderShares() {
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, clientHelloRewritten(x -> Messages.with(x, ExtensionType.SUPPORTED_GROUPS,
                new byte[] {0, 2, 0x00, 0x17})).alert());
        byte[] zeroShare = new byte[2 + 4 + 32];
        zeroShare[1] = 36;
        zeroShare[3] = 0x1d;
        zeroShare[5] = 32;
        TlsException e = clientHelloRewritten(x -> Messages.with(x, ExtensionType.KEY_SHARE, zeroShare));
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
        assertTrue(e.getMessage().contains("all-zero"), e.getMessage());
    }

    @Test
    void serverIgnoresUnknownExtensionsPskOffersAndSni() throws TlsException {
        // What a rustls client adds besides ours: status_request, ec_point_formats, extended_master_secret,
        // psk_key_exchange_modes, a pre_shared_key (always last). The server must still answer with its whole
        // flight; since the client's own transcript differs from what the server saw, the server's signature then
        // fails at the client, which proves the server got that far.
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> i == 0 ? Messages.rewriteExtensions(data, x -> {
            x.add(0, new Messages.Ext(5, new byte[] {1, 0, 0, 0, 0}));
            x.add(new Messages.Ext(11, new byte[] {1, 0}));
            x.add(new Messages.Ext(23, new byte[0]));
            x.add(new Messages.Ext(45, new byte[] {1, 1}));
            x.add(new Messages.Ext(ExtensionType.PRE_SHARED_KEY, new byte[] {0, 7, 0, 1, 9, 0, 0, 0, 0, 0, 3, 2, 0, 0}));
            return x;
        }) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertSame(e, l.client.failure());
        assertEquals(TlsAlert.DECRYPT_ERROR, e.alert());
        assertTrue(e.getMessage().contains("server CertificateVerify"), e.getMessage());
        assertNull(l.server.failure());
    }

    @Test
    void preSharedKeyMustBeLast() {
        TlsException e = clientHelloRewritten(x -> {
            x.add(0, new Messages.Ext(ExtensionType.PRE_SHARED_KEY, new byte[] {0, 7, 0, 1, 9, 0, 0, 0, 0, 0, 3, 2, 0, 0}));
            return x;
        });
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
    }

    // ---- HelloRetryRequest ----

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void helloRetryRequestWhenTheClientSendsNoX25519Share(CipherSuite suite) throws TlsException {
        HandshakeLoop l = loop(clientConfig().withCipherSuites(suite).withoutInitialKeyShare(), serverConfig()).run();
        assertCompleted(l, suite);
        assertEquals(List.of("data INITIAL [ClientHello]", "data INITIAL [ClientHello]", "keys HANDSHAKE",
                        "data HANDSHAKE [Certificate, CertificateVerify, Finished]", "keys APPLICATION", "complete"),
                HandshakeLoop.describe(l.clientEvents));
        assertEquals(List.of("data INITIAL [ServerHello]", "data INITIAL [ServerHello]", "keys HANDSHAKE",
                        "data HANDSHAKE [EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished]",
                        "keys APPLICATION", "complete"),
                HandshakeLoop.describe(l.serverEvents));
        byte[] hrr = ((TlsEvent.HandshakeData) l.serverEvents.get(0)).data();
        assertArrayEquals(TlsSession.HELLO_RETRY_REQUEST_RANDOM, Arrays.copyOfRange(hrr, 6, 38));
        assertArrayEquals(new byte[] {0x00, 0x1d}, Messages.extension(hrr, ExtensionType.KEY_SHARE));
    }

    @Test
    void secondClientHelloStillWithoutShareIsIllegalParameter() {
        HandshakeLoop l = loop(clientConfig().withoutInitialKeyShare(), serverConfig()).tamper((fromClient, level, i, data) ->
                i == 2 ? Messages.rewriteExtensions(data, x -> Messages.with(x, ExtensionType.KEY_SHARE, new byte[] {0, 0})) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
        assertSame(e, l.server.failure());
    }

    static byte[] helloRetryRequest(int suite, byte[]... extensions) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(3);
        body.write(3);
        body.writeBytes(TlsSession.HELLO_RETRY_REQUEST_RANDOM);
        body.write(0);
        body.write(suite >>> 8);
        body.write(suite);
        body.write(0);
        int total = 0;
        for (byte[] e : extensions) {
            total += e.length;
        }
        body.write(total >>> 8);
        body.write(total);
        for (byte[] e : extensions) {
            body.writeBytes(e);
        }
        return Messages.message(HandshakeType.SERVER_HELLO, body.toByteArray());
    }

    static final byte[] HRR_VERSIONS = {0, 43, 0, 2, 3, 4};
    static final byte[] HRR_X25519 = {0, 51, 0, 2, 0, 0x1d};
    static final byte[] HRR_COOKIE = {0, 44, 0, 5, 0, 3, 'c', 'k', 'y'};

    TlsClientSession startedClient() throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig(), CLIENT_TP);
        c.start();
        c.poll();
        return c;
    }

    @Test
    void clientAnswersACookieRetryWithTheSameShareAndTheCookie() throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig(), CLIENT_TP);
        c.start();
        byte[] ch1 = ((TlsEvent.HandshakeData) c.poll()).data();
        byte[] hrr = helloRetryRequest(0x1301, HRR_VERSIONS, HRR_COOKIE);
        c.onHandshakeData(EncryptionLevel.INITIAL, hrr, 0, hrr.length);
        TlsEvent.HandshakeData d = (TlsEvent.HandshakeData) c.poll();
        assertEquals(EncryptionLevel.INITIAL, d.level());
        byte[] ch2 = d.data();
        assertArrayEquals(new byte[] {0, 3, 'c', 'k', 'y'}, Messages.extension(ch2, ExtensionType.COOKIE));
        assertArrayEquals(Messages.extension(ch1, ExtensionType.KEY_SHARE), Messages.extension(ch2, ExtensionType.KEY_SHARE));
        assertArrayEquals(Arrays.copyOfRange(ch1, 4, 38), Arrays.copyOfRange(ch2, 4, 38), "same random");
        assertNull(c.poll());
        // A second HelloRetryRequest is unexpected_message (RFC 8446 §4.1.4).
        TlsException e = assertThrows(TlsException.class, () -> c.onHandshakeData(EncryptionLevel.INITIAL, hrr, 0, hrr.length));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
    }

    @Test
    void clientRejectsPointlessOrUnsatisfiableRetries() throws TlsException {
        byte[][] bad = {
            helloRetryRequest(0x1301, HRR_VERSIONS, HRR_X25519), // asks for the share we sent
            helloRetryRequest(0x1301, HRR_VERSIONS), // changes nothing
            helloRetryRequest(0x1301, HRR_VERSIONS, new byte[] {0, 51, 0, 2, 0, 0x17}), // secp256r1
            helloRetryRequest(0x1304, HRR_VERSIONS, HRR_COOKIE), // suite not offered
        };
        for (byte[] hrr : bad) {
            TlsClientSession c = startedClient();
            TlsException e = assertThrows(TlsException.class, () -> c.onHandshakeData(EncryptionLevel.INITIAL, hrr, 0, hrr.length));
            assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert(), e.getMessage());
        }
        TlsClientSession c = startedClient();
        byte[] noVersions = helloRetryRequest(0x1301, HRR_COOKIE);
        TlsException e = assertThrows(TlsException.class, () -> c.onHandshakeData(EncryptionLevel.INITIAL, noVersions, 0, noVersions.length));
        assertEquals(TlsAlert.PROTOCOL_VERSION, e.alert());
        TlsClientSession c2 = startedClient();
        byte[] extra = helloRetryRequest(0x1301, HRR_VERSIONS, HRR_COOKIE, new byte[] {0, 16, 0, 0});
        e = assertThrows(TlsException.class, () -> c2.onHandshakeData(EncryptionLevel.INITIAL, extra, 0, extra.length));
        assertEquals(TlsAlert.UNSUPPORTED_EXTENSION, e.alert());
    }

    @Test
    void serverHelloWithAnotherSuiteThanTheRetryIsIllegalParameter() {
        HandshakeLoop l = loop(clientConfig().withoutInitialKeyShare(), serverConfig()).tamper((fromClient, level, i, data) -> {
            if (i == 3) {
                byte[] sh = data.clone();
                int at = Messages.extensionsOffset(sh) - 3;
                sh[at + 1] = 0x02; // 0x1302
                return sh;
            }
            return data;
        });
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.ILLEGAL_PARAMETER, e.alert());
        assertSame(e, l.client.failure());
    }

    // ---- delivery: splitting, levels, order ----

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void completesWhenEveryByteArrivesAlone(CipherSuite suite) throws TlsException {
        assertCompleted(loop(clientConfig().withCipherSuites(suite), serverConfig()).chunked(1).run(), suite);
        assertCompleted(loop(clientConfig().withCipherSuites(suite).withoutInitialKeyShare(), serverConfig()).chunked(3).run(), suite);
    }

    @Test
    void handshakeBytesAtTheWrongLevelAreUnexpectedMessage() throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig(), CLIENT_TP);
        TlsServerSession s = new TlsServerSession(serverConfig(), SERVER_TP);
        c.start();
        byte[] ch = ((TlsEvent.HandshakeData) c.poll()).data();
        TlsException e = assertThrows(TlsException.class, () -> s.onHandshakeData(EncryptionLevel.HANDSHAKE, ch, 0, ch.length));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
        // The failure sticks.
        e = assertThrows(TlsException.class, () -> s.onHandshakeData(EncryptionLevel.INITIAL, ch, 0, ch.length));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());

        TlsClientSession fresh = new TlsClientSession(clientConfig(), CLIENT_TP);
        e = assertThrows(TlsException.class, () -> fresh.onHandshakeData(EncryptionLevel.INITIAL, ch, 0, 4));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert(), "nothing is expected before start()");
    }

    @Test
    void bytesContinuingAtInitialLevelAfterServerHelloAreUnexpectedMessage() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> i == 1 ? Arrays.copyOf(data, data.length + 1) : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
        assertSame(e, l.client.failure());
    }

    @Test
    void messagesOutOfOrderAreUnexpectedMessage() {
        HandshakeLoop l = loop().tamper((fromClient, level, i, data) -> {
            if (!fromClient && level == EncryptionLevel.HANDSHAKE) {
                List<byte[]> ms = Messages.split(data);
                byte[] cert = ms.remove(2);
                ms.add(3, cert); // CertificateVerify before Certificate
                return Messages.join(ms);
            }
            return data;
        });
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
        assertTrue(e.getMessage().contains("CertificateVerify"), e.getMessage());
    }

    @Test
    void oversizedMessageIsDecodeErrorBeforeBuffering() throws TlsException {
        TlsServerSession s = new TlsServerSession(serverConfig(), SERVER_TP);
        byte[] header = {1, 0x01, 0x00, 0x01}; // ClientHello of 65537 bytes
        TlsException e = assertThrows(TlsException.class, () -> s.onHandshakeData(EncryptionLevel.INITIAL, header, 0, 4));
        assertEquals(TlsAlert.DECODE_ERROR, e.alert());
        assertEquals(0, s.bufferedBytes());
    }

    @Test
    void aMessageIsBufferedAsItArrivesNotAsItsHeaderClaims() throws TlsException {
        // a spoofed Initial's 4 header bytes used to make the server allocate 64 KiB for a ClientHello never sent
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] start = new byte[4 + 100];
        start[0] = 1;
        start[1] = 0x01; // 65536 bytes claimed: the largest message allowed
        new TlsServerSession(serverConfig(), SERVER_TP).onHandshakeData(EncryptionLevel.INITIAL, start, 0, 104); // warm
        TlsServerSession s = new TlsServerSession(serverConfig(), SERVER_TP);
        threads.getCurrentThreadAllocatedBytes();
        long before = threads.getCurrentThreadAllocatedBytes();
        s.onHandshakeData(EncryptionLevel.INITIAL, start, 0, start.length);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 104 received");
        assertTrue(s.bufferedBytes() <= 4 + 256, "holds " + s.bufferedBytes() + " bytes for 104 received");
        byte[] more = new byte[30_000];
        s.onHandshakeData(EncryptionLevel.INITIAL, more, 0, more.length);
        assertTrue(s.bufferedBytes() >= 30_104 && s.bufferedBytes() <= 65_540, "holds " + s.bufferedBytes());
    }

    // ---- after the handshake ----

    static byte[] newSessionTicket() {
        byte[] body = {
            0, 0, 0x1c, 0x20, // lifetime
            1, 2, 3, 4, // age add
            1, 0, // nonce
            0, 3, 9, 9, 9, // ticket
            0, 8, 0, 42, 0, 4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff // early_data max size
        };
        return Messages.message(HandshakeType.NEW_SESSION_TICKET, body);
    }

    @Test
    void clientSkipsSessionTicketsButNothingElseAfterTheHandshake() throws TlsException {
        HandshakeLoop l = loop().run();
        byte[] two = Messages.join(List.of(newSessionTicket(), newSessionTicket()));
        HandshakeLoop.deliver(l.client, EncryptionLevel.APPLICATION, two, 5);
        assertNull(l.client.poll());
        assertEquals(0, l.client.bufferedBytes());
        byte[] keyUpdate = Messages.message(HandshakeType.KEY_UPDATE, new byte[] {0});
        TlsException e = assertThrows(TlsException.class,
                () -> l.client.onHandshakeData(EncryptionLevel.APPLICATION, keyUpdate, 0, keyUpdate.length));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
        assertEquals(0x10a, TransportError.cryptoError(e.alert()));
    }

    @Test
    void malformedSessionTicketIsDecodeError() throws TlsException {
        HandshakeLoop l = loop().run();
        byte[] nst = newSessionTicket();
        byte[] truncated = Messages.message(HandshakeType.NEW_SESSION_TICKET, Arrays.copyOf(Messages.body(nst), 12));
        TlsException e = assertThrows(TlsException.class,
                () -> l.client.onHandshakeData(EncryptionLevel.APPLICATION, truncated, 0, truncated.length));
        assertEquals(TlsAlert.DECODE_ERROR, e.alert());
    }

    @Test
    void serverAcceptsNothingAfterTheHandshake() throws TlsException {
        HandshakeLoop l = loop().run();
        byte[] nst = newSessionTicket();
        TlsException e = assertThrows(TlsException.class,
                () -> l.server.onHandshakeData(EncryptionLevel.APPLICATION, nst, 0, nst.length));
        assertEquals(TlsAlert.UNEXPECTED_MESSAGE, e.alert());
    }

    @Test
    void peerIdentityIsKnownOnlyAfterItsSignatureChecksOut() throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig(), CLIENT_TP);
        TlsServerSession s = new TlsServerSession(serverConfig(), SERVER_TP);
        c.start();
        byte[] ch = ((TlsEvent.HandshakeData) c.poll()).data();
        s.onHandshakeData(EncryptionLevel.INITIAL, ch, 0, ch.length);
        assertNull(s.peerId());
        assertArrayEquals(CLIENT_TP, s.peerTransportParameters());
        assertArrayEquals(BLOBS, s.alpn());
        assertFalse(s.isHandshakeComplete());
        byte[] sh = ((TlsEvent.HandshakeData) s.poll()).data();
        c.onHandshakeData(EncryptionLevel.INITIAL, sh, 0, sh.length);
        assertNull(c.peerId());
        assertNull(c.alpn());
        assertEquals(EndpointId.class, SERVER_KEY.publicKey().getClass());
    }
}
