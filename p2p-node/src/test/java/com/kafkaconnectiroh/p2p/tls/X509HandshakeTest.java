package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TLS 1.3 with an ordinary X.509 server certificate (the QUIC address discovery handshake, IROH-WIRE-MAP-RELAY
 * §2.1): the server presents a chain, the client checks it against its trust anchors and the server's name.
 */
class X509HandshakeTest {
    private static final List<byte[]> QAD = List.of("/iroh-qad/0".getBytes(StandardCharsets.US_ASCII));

    private static HandshakeLoop handshake(String serverName, X509Trust trust, String serverCert) {
        TlsClientSession c = new TlsClientSession(TlsClientConfig.forCertificate(serverName, trust, QAD), new byte[] {1});
        TlsServerSession s = new TlsServerSession(
                TlsServerConfig.forCertificate(TestCertificates.credentials(serverCert), QAD), new byte[] {2});
        return new HandshakeLoop(c, s);
    }

    @ParameterizedTest(name = "{0} certificate, server name {1}")
    @CsvSource({"server, localhost", "server, 127.0.0.1", "server, ::1", "server-ed25519, localhost",
            "server, LOCALHOST."})
    void aClientTrustingTheCaConnects(String cert, String name) throws TlsException {
        HandshakeLoop h = handshake(name, TestCertificates.testCa(), cert).run();
        assertTrue(h.client.isHandshakeComplete());
        assertTrue(h.server.isHandshakeComplete());
        assertNull(h.client.peerId(), "an X.509 server has no iroh id");
        assertNull(h.server.peerId(), "the client presents nothing");
        assertArrayEquals(QAD.get(0), h.client.alpn());
        assertArrayEquals(new byte[] {2}, h.client.peerTransportParameters());
        assertArrayEquals(new byte[] {1}, h.server.peerTransportParameters());
        TlsEvent.KeysReady ck = HandshakeLoop.keys(h.clientEvents, EncryptionLevel.APPLICATION);
        TlsEvent.KeysReady sk = HandshakeLoop.keys(h.serverEvents, EncryptionLevel.APPLICATION);
        assertArrayEquals(ck.writeSecret(), sk.readSecret());
        assertArrayEquals(ck.readSecret(), sk.writeSecret());
    }

    @Test
    void aChainFromAnotherCaIsRefused() {
        TlsException e = assertThrows(TlsException.class,
                () -> handshake("localhost", TestCertificates.testCa(), "untrusted").run());
        assertEquals(TlsAlert.UNKNOWN_CA, e.alert(), e.getMessage());
    }

    @Test
    void theJdkTrustStoreDoesNotKnowTheTestCa() {
        TlsException e = assertThrows(TlsException.class,
                () -> handshake("localhost", X509Trust.jdkDefault(), "server").run());
        assertEquals(TlsAlert.UNKNOWN_CA, e.alert(), e.getMessage());
    }

    @Test
    void extraCaFilesAreTrustedBesideTheJdkStore() throws Exception {
        X509Trust trust = X509Trust.jdkDefaultPlus(List.of(TestCertificates.file("ca.pem")));
        assertTrue(handshake("localhost", trust, "server").run().client.isHandshakeComplete());
    }

    @ParameterizedTest
    @CsvSource({"relay.example", "127.0.0.2", "sub.localhost"})
    void aCertificateForAnotherNameIsRefused(String name) {
        TlsException e = assertThrows(TlsException.class,
                () -> handshake(name, TestCertificates.testCa(), "server").run());
        assertEquals(TlsAlert.BAD_CERTIFICATE, e.alert(), e.getMessage());
        assertTrue(e.getMessage().contains("not for " + name), e.getMessage());
    }

    @Test
    void aForgedCertificateVerifyIsRefused() {
        HandshakeLoop h = handshake("localhost", TestCertificates.testCa(), "server");
        h.tamper((fromClient, level, index, data) -> fromClient || level != EncryptionLevel.HANDSHAKE ? data
                : Messages.replace(data, Messages.indexOf(data, HandshakeType.CERTIFICATE_VERIFY), m -> {
                    m[m.length - 5] ^= 1;
                    return m;
                }));
        TlsException e = assertThrows(TlsException.class, h::run);
        assertTrue(e.alert() == TlsAlert.DECRYPT_ERROR || e.alert() == TlsAlert.DECODE_ERROR, e.getMessage());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRejectedWhenLoaded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> X509Credentials.fromPem(TestCertificates.file("server.pem"), TestCertificates.file("untrusted.key")));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void aSec1KeyFileGetsAConversionHint(@TempDir Path dir) throws IOException {
        Path key = dir.resolve("k.pem");
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> X509Credentials.readPrivateKey(key));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
    }
}
