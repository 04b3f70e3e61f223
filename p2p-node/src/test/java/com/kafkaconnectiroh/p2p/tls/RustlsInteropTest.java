package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Handshakes against rustls 0.23.42 with ring, configured as iroh configures it (raw Ed25519 keys both ways,
 * ed25519-only verifiers, mandatory client auth, early data enabled), through the oracle program in
 * {@code src/test/rust/rustls-oracle}. Each key the oracle installs is proven equal to ours by decrypting a sample
 * it sealed with that key under QUIC packet protection (RFC 9001 §5.3). Skipped when the oracle is not built
 * (set {@code -Drustls.oracle=/path/to/rustls-oracle}).
 */
@Tag("rustls-oracle")
class RustlsInteropTest {
    static final String ORACLE = System.getProperty("rustls.oracle", "/tmp/rustls-oracle/oracle/target/release/rustls-oracle");
    static final SecretKey JAVA_KEY = TlsHandshakeTest.key(5);
    static final SecretKey RUST_KEY = TlsHandshakeTest.key(6);
    static final byte[] ORACLE_TP = Hex.decode("0104800075300e0108");
    static final byte[] JAVA_TP = Hex.decode("030245c0040480100000");

    static final class Run {
        final List<String> oracleErrors = new ArrayList<>();
        final Map<EncryptionLevel, byte[]> samples = new EnumMap<>(EncryptionLevel.class);
        final List<TlsEvent> javaEvents = new ArrayList<>();
        boolean oracleComplete;
        byte[] oracleAlpn;
        byte[] oracleSeenTp;
        int oracleAlert = -1;
        int ticketBytes;
        TlsException javaFailure;
    }

    static Run run(QuicTlsSession java, String... oracleArgs) throws Exception {
        return run(java, Map.of(), oracleArgs);
    }

    static Run run(QuicTlsSession java, Map<String, String> env, String... oracleArgs) throws Exception {
        Assumptions.assumeTrue(new File(ORACLE).canExecute(), "rustls oracle not built at " + ORACLE);
        List<String> cmd = new ArrayList<>();
        cmd.add(ORACLE);
        cmd.addAll(Arrays.asList(oracleArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("ORACLE_TP", Hex.encode(ORACLE_TP));
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly(); // a stalled handshake ends in EOF instead of a hang
                }
            } catch (InterruptedException ignored) {
                // test finished
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        Run run = new Run();
        DataOutputStream out = new DataOutputStream(p.getOutputStream());
        boolean inputClosed = false;
        try (DataInputStream in = new DataInputStream(p.getInputStream())) {
            java.start();
            while (true) {
                for (TlsEvent e; (e = java.poll()) != null; ) {
                    run.javaEvents.add(e);
                    if (e instanceof TlsEvent.HandshakeData d) {
                        out.writeByte(0);
                        out.writeByte(d.level().ordinal());
                        out.writeInt(d.data().length);
                        out.write(d.data());
                        out.flush();
                    }
                }
                if (!inputClosed && (java.isHandshakeComplete() || run.javaFailure != null)) {
                    out.close(); // the oracle processes what it has, reports and exits
                    inputClosed = true;
                }
                int kind;
                try {
                    kind = in.readUnsignedByte();
                } catch (IOException eof) {
                    break;
                }
                int levelOrAlert = in.readUnsignedByte();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                switch (kind) {
                    case 0: {
                        EncryptionLevel level = EncryptionLevel.values()[levelOrAlert];
                        if (level == EncryptionLevel.APPLICATION) {
                            run.ticketBytes += data.length;
                        }
                        if (run.javaFailure == null) {
                            try {
                                java.onHandshakeData(level, data, 0, data.length);
                            } catch (TlsException e) {
                                run.javaFailure = e;
                            }
                        }
                        break;
                    }
                    case 1:
                        run.samples.put(EncryptionLevel.values()[levelOrAlert], data);
                        break;
                    case 2:
                        run.oracleComplete = data[0] == 0;
                        run.oracleAlpn = Arrays.copyOfRange(data, 2, 2 + data[1]);
                        run.oracleSeenTp = Arrays.copyOfRange(data, 2 + data[1], data.length);
                        break;
                    default:
                        run.oracleAlert = levelOrAlert;
                        run.oracleErrors.add(new String(data, StandardCharsets.UTF_8));
                }
            }
        } finally {
            if (!inputClosed) {
                out.close();
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            watchdog.interrupt();
        }
        return run;
    }

    /** Opens the oracle's sealed sample with the key QUIC would derive from our read secret (RFC 9001 §5.1-5.3). */
    static void assertOracleSampleOpens(Run run, EncryptionLevel level) throws Exception {
        byte[] sealed = run.samples.get(level);
        assertNotNull(sealed, "oracle sample at " + level);
        TlsEvent.KeysReady keys = HandshakeLoop.keys(run.javaEvents, level);
        assertNotNull(keys, "our keys at " + level);
        CipherSuite suite = keys.suite();
        Hkdf hkdf = Hkdf.forHmac(suite.hmacAlgorithm);
        byte[] key = hkdf.expandLabel(keys.readSecret(), "quic key", null, suite.keyLength);
        byte[] nonce = hkdf.expandLabel(keys.readSecret(), "quic iv", null, 12);
        nonce[11] ^= 1; // packet number 1
        Cipher c = Cipher.getInstance(suite.aeadTransformation);
        if (suite.isChaCha()) {
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        } else {
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        }
        c.updateAAD("oracle header".getBytes(StandardCharsets.US_ASCII));
        byte[] plain = c.doFinal(sealed);
        assertEquals("sample from rustls at level " + level.ordinal(), new String(plain, StandardCharsets.US_ASCII));
    }

    static String hex(SecretKey k) {
        return Hex.encode(k.toBytes());
    }

    // ---- Java client, rustls server ----

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void javaClientCompletesWithRustlsServer(CipherSuite suite) throws Exception {
        TlsClientSession c = new TlsClientSession(new TlsClientConfig(JAVA_KEY, RUST_KEY.publicKey(),
                List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII))).withCipherSuites(suite), JAVA_TP);
        Run run = run(c, "server", hex(RUST_KEY), "/iroh-gossip/1", "/iroh-bytes/4");
        assertEquals(List.of(), run.oracleErrors);
        assertSame(null, run.javaFailure, () -> run.javaFailure.getMessage());
        assertTrue(c.isHandshakeComplete());
        assertTrue(run.oracleComplete, "rustls accepted our client authentication");
        assertSame(suite, c.cipherSuite());
        assertEquals(RUST_KEY.publicKey(), c.peerId());
        assertArrayEquals("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII), c.alpn());
        assertArrayEquals(ORACLE_TP, c.peerTransportParameters());
        assertArrayEquals(JAVA_TP, run.oracleSeenTp);
        assertOracleSampleOpens(run, EncryptionLevel.HANDSHAKE);
        assertOracleSampleOpens(run, EncryptionLevel.APPLICATION);
        // We offer no psk_key_exchange_modes, so rustls issues no tickets (RFC 8446 §4.2.9): nothing at 1-RTT.
        assertEquals(0, run.ticketBytes);
    }

    @Test
    void javaClientFollowsARustlsHelloRetryRequest() throws Exception {
        TlsClientSession c = new TlsClientSession(new TlsClientConfig(JAVA_KEY, RUST_KEY.publicKey(),
                List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII))).withCipherSuites(CipherSuite.TLS_AES_256_GCM_SHA384)
                .withoutInitialKeyShare(), JAVA_TP);
        Run run = run(c, "server", hex(RUST_KEY), "/iroh-bytes/4");
        assertEquals(List.of(), run.oracleErrors);
        assertTrue(c.isHandshakeComplete());
        assertTrue(run.oracleComplete);
        assertEquals(List.of("data INITIAL [ClientHello]", "data INITIAL [ClientHello]", "keys HANDSHAKE",
                "data HANDSHAKE [Certificate, CertificateVerify, Finished]", "keys APPLICATION", "complete"),
                HandshakeLoop.describe(run.javaEvents));
        assertOracleSampleOpens(run, EncryptionLevel.APPLICATION);
    }

    @Test
    void rustlsServerRejectsUnservedAlpn() throws Exception {
        TlsClientSession c = new TlsClientSession(new TlsClientConfig(JAVA_KEY, RUST_KEY.publicKey(),
                List.of("/iroh-sync/1".getBytes(StandardCharsets.US_ASCII))), JAVA_TP);
        Run run = run(c, "server", hex(RUST_KEY), "/iroh-bytes/4");
        assertEquals(1, run.oracleErrors.size(), run.oracleErrors::toString);
        assertEquals(TlsException.NO_APPLICATION_PROTOCOL, run.oracleAlert, run.oracleErrors::toString);
    }

    @Test
    void javaClientRejectsARustlsServerWithAnotherKey() throws Exception {
        TlsClientSession c = new TlsClientSession(new TlsClientConfig(JAVA_KEY, TlsHandshakeTest.key(7).publicKey(),
                List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII))), JAVA_TP);
        Run run = run(c, "server", hex(RUST_KEY), "/iroh-bytes/4");
        assertNotNull(run.javaFailure);
        assertEquals(TlsException.BAD_CERTIFICATE, run.javaFailure.alert());
    }

    // ---- rustls client, Java server ----

    static TlsServerSession javaServer() {
        return new TlsServerSession(new TlsServerConfig(JAVA_KEY, List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII),
                "/iroh-gossip/1".getBytes(StandardCharsets.US_ASCII))), JAVA_TP);
    }

    static String[] rustlsClientArgs(String... alpns) {
        List<String> a = new ArrayList<>(List.of("client", hex(RUST_KEY), JAVA_KEY.publicKey().toString(),
                IrohServerName.encode(JAVA_KEY.publicKey())));
        a.addAll(List.of(alpns));
        return a.toArray(new String[0]);
    }

    @Test
    void rustlsClientCompletesWithJavaServer() throws Exception {
        TlsServerSession s = javaServer();
        Run run = run(s, rustlsClientArgs("/iroh-gossip/1"));
        assertEquals(List.of(), run.oracleErrors);
        assertSame(null, run.javaFailure, () -> run.javaFailure.getMessage());
        assertTrue(s.isHandshakeComplete());
        assertTrue(run.oracleComplete);
        assertEquals(RUST_KEY.publicKey(), s.peerId());
        assertSame(CipherSuite.TLS_AES_128_GCM_SHA256, s.cipherSuite(), "our preference over rustls's AES-256-first order");
        assertArrayEquals("/iroh-gossip/1".getBytes(StandardCharsets.US_ASCII), run.oracleAlpn);
        assertArrayEquals(JAVA_TP, run.oracleSeenTp);
        assertArrayEquals(ORACLE_TP, s.peerTransportParameters());
        assertOracleSampleOpens(run, EncryptionLevel.HANDSHAKE);
        assertOracleSampleOpens(run, EncryptionLevel.APPLICATION);
    }

    @Test
    void iroh035StyleClientOfferingMoreSignatureSchemes() throws Exception {
        TlsServerSession s = javaServer();
        Run run = run(s, Map.of("ORACLE_ALL_SIGS", "1"), rustlsClientArgs("/iroh-bytes/4"));
        assertEquals(List.of(), run.oracleErrors);
        assertTrue(s.isHandshakeComplete());
        assertTrue(run.oracleComplete);
        assertOracleSampleOpens(run, EncryptionLevel.APPLICATION);
    }

    @Test
    void javaServerSendsHelloRetryRequestToARustlsClientSharingP256First() throws Exception {
        TlsServerSession s = javaServer();
        Run run = run(s, Map.of("ORACLE_P256_FIRST", "1"), rustlsClientArgs("/iroh-bytes/4"));
        assertEquals(List.of(), run.oracleErrors);
        assertTrue(s.isHandshakeComplete());
        assertTrue(run.oracleComplete);
        assertEquals("data INITIAL [ServerHello]", HandshakeLoop.describe(run.javaEvents).get(0));
        assertEquals("data INITIAL [ServerHello]", HandshakeLoop.describe(run.javaEvents).get(1), "HelloRetryRequest, then ServerHello");
        assertOracleSampleOpens(run, EncryptionLevel.APPLICATION);
    }

    @Test
    void rustlsClientRejectsAJavaServerWithAnotherKey() throws Exception {
        TlsServerSession s = new TlsServerSession(new TlsServerConfig(TlsHandshakeTest.key(8),
                List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII))), JAVA_TP);
        Run run = run(s, rustlsClientArgs("/iroh-bytes/4"));
        assertEquals(1, run.oracleErrors.size());
        assertEquals(48, run.oracleAlert, run.oracleErrors::toString); // unknown_ca, as iroh's verifier reports UnknownIssuer
        assertTrue(!s.isHandshakeComplete());
    }

    @Test
    void javaServerRejectsRustlsAlpnMismatch() throws Exception {
        TlsServerSession s = javaServer();
        Run run = run(s, rustlsClientArgs("/iroh-sync/1"));
        assertNotNull(run.javaFailure);
        assertEquals(TlsException.NO_APPLICATION_PROTOCOL, run.javaFailure.alert());
        assertThrows(TlsException.class, () -> s.onHandshakeData(EncryptionLevel.INITIAL, new byte[1], 0, 1));
    }
}
