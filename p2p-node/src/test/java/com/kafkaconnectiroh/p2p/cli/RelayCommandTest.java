package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.RelayProbe;
import com.kafkaconnectiroh.p2p.relay.RelayTestClients;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2p-node relay} as a user runs it: its lines, real relay clients through it, its failures and its stop. */
@Timeout(120)
class RelayCommandTest {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Starts {@code relay --bind 127.0.0.1:0 <args>} and returns it with its URL. */
    static RelayUrl awaitUrl(CliProcess p) throws InterruptedException {
        String url = p.nextLine(START);
        assertTrue(url.startsWith("relay url: "), url);
        String bound = p.nextLine(WAIT);
        assertTrue(bound.startsWith("bound: 127.0.0.1:"), bound);
        RelayUrl u = RelayUrl.parse(url.substring("relay url: ".length()));
        assertTrue(u.toString().endsWith(":" + bound.substring(bound.lastIndexOf(':') + 1) + "/"), u + " vs " + bound);
        return u;
    }

    static String get(String url) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        assertEquals(200, c.getResponseCode());
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void relayPrintsItsUrlForwardsBetweenClientsAndPrintsItsCountersWhenStopped() throws Exception {
        try (CliProcess p = CliProcess.start("relay", "--bind", "127.0.0.1:0");
             RelayTestClients clients = new RelayTestClients()) {
            RelayUrl url = awaitUrl(p);
            assertTrue(url.toString().startsWith("http://127.0.0.1:"), url.toString());
            RelayTestClients.Client a = clients.start(url, SecretKey.generate()).awaitConnected();
            RelayTestClients.Client b = clients.start(url, SecretKey.generate()).awaitConnected();
            assertTrue(a.send(b.peerKey, "through the cli".getBytes(StandardCharsets.UTF_8), 0));
            RelayTestClients.Received r = b.next(WAIT);
            assertNotNull(r, "b got nothing");
            assertArrayEquals("through the cli".getBytes(StandardCharsets.UTF_8), r.bytes());
            assertTrue(RelayProbe.ping(clients.dialer(), url, TimeUnit.SECONDS.toNanos(5)).get(10, TimeUnit.SECONDS) > 0);
            String metrics = get(url + "metrics");
            assertTrue(metrics.contains("relay_clients_connected 2\n"), metrics);
            assertTrue(metrics.contains("relay_datagram_frames_forwarded_total 1\n"), metrics);
            assertEquals(0, p.stop(), p.stderr()); // SIGTERM
            String err = p.stderr();
            assertTrue(err.contains("relaying until Ctrl-C or SIGTERM"), err);
            assertTrue(err.contains("stopping (SIGTERM): clients 2, ") && err.contains("forwarded 1 datagram frames (15 bytes)"), err);
            assertTrue(err.strip().endsWith("stopped"), err);
        }
    }

    @Test
    void onlyAllowedIdsGetInFromTheCommandLineOrAFile(@TempDir Path dir) throws Exception {
        SecretKey listed = SecretKey.generate();
        SecretKey inFile = SecretKey.generate();
        Path file = dir.resolve("allowed");
        Files.writeString(file, "# relay users\n" + inFile.publicKey() + "  # the second\n\n");
        try (CliProcess p = CliProcess.start("relay", "--bind", "127.0.0.1:0", "--allow", listed.publicKey().toString(),
                "--allow-file", file.toString());
             RelayTestClients clients = new RelayTestClients()) {
            RelayUrl url = awaitUrl(p);
            RelayTestClients.Client a = clients.start(url, listed).awaitConnected();
            RelayTestClients.Client b = clients.start(url, inFile).awaitConnected();
            RelayTestClients.Client stranger = clients.start(url, SecretKey.generate());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (stranger.onLoop(() -> stranger.relay.lastError()) == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("relay denied us: not authorized", stranger.onLoop(() -> stranger.relay.lastError()));
            assertFalse(stranger.onLoop(() -> stranger.relay.isConnected()));
            assertTrue(a.onLoop(() -> a.relay.isConnected()) && b.onLoop(() -> b.relay.isConnected()));
            assertEquals(0, p.signal("INT"), p.stderr());
            assertTrue(p.stderr().contains("for 2 allowed endpoint ids") && p.stderr().contains("stopping (SIGINT)"), p.stderr());
        }
    }

    @Test
    void theRateLimitFlagsHoldASenderBackWithoutLosingItsDatagrams() throws Exception {
        try (CliProcess p = CliProcess.start("relay", "--bind", "127.0.0.1:0", "--rate-limit", "200KB", "--rate-burst", "64KiB");
             RelayTestClients clients = new RelayTestClients()) {
            RelayUrl url = awaitUrl(p);
            RelayTestClients.Client a = clients.start(url, SecretKey.generate()).awaitConnected();
            RelayTestClients.Client b = clients.start(url, SecretKey.generate()).awaitConnected();
            b.keep = false;
            int sent = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < 400; i++) {
                if (a.send(b.peerKey, new byte[1000], 0)) {
                    sent++;
                }
            }
            int expected = sent;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (b.receivedCount.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(expected, b.receivedCount.get(), "held back, not dropped");
            assertTrue(expected > 300, "the client itself dropped " + (400 - expected));
            // 64 KiB at once, then 200 kB/s: the rest takes about (bytes - 64 KiB) / 200 kB/s
            double least = (expected * 1000.0 - (64 << 10) - (64 << 10)) / 200_000;
            assertTrue(seconds >= least, expected + " datagrams arrived in " + seconds + " s, under the " + least + " s the rate allows");
            String metrics = get(url + "metrics");
            assertTrue(!metrics.contains("relay_rate_limit_pauses_total 0\n"), metrics);
            assertEquals(0, p.stop(), p.stderr());
        }
    }

    /** One line on stderr starting {@code p2p-node relay: } and this exit code. */
    static void failsWithOneLine(int exitCode, String expected, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "relay";
        all[1] = "--bind";
        all[2] = "127.0.0.1:0";
        System.arraycopy(args, 0, all, 3, args.length);
        CliRun r = CliRun.of(all);
        assertEquals(exitCode, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.toString());
        assertTrue(r.err().startsWith("p2p-node relay: ") && r.err().contains(expected), r.toString());
        assertEquals("", r.out(), r.toString());
    }

    @Test
    @Timeout(60)
    void unusableCertificateOrKeyFilesFailAtOnceWithOneLine(@TempDir Path dir) throws Exception {
        Path[] pem = selfSignedPem(dir);
        Path cert = pem[0];
        Path key = pem[1];
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "just some text\n");
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        failsWithOneLine(1, "TLS certificate " + missing + ": no such file", "--tls-cert", missing.toString(), "--tls-key", key.toString());
        failsWithOneLine(1, "TLS key " + missing + ": no such file", "--tls-cert", cert.toString(), "--tls-key", missing.toString());
        failsWithOneLine(1, "TLS certificate " + dir + ": not a regular file", "--tls-cert", dir.toString(), "--tls-key", key.toString());
        // a FIFO nobody writes to would block a reader for ever
        failsWithOneLine(1, "TLS key " + fifo + ": not a regular file", "--tls-cert", cert.toString(), "--tls-key", fifo.toString());
        failsWithOneLine(1, "cannot use TLS certificate " + notPem, "--tls-cert", notPem.toString(), "--tls-key", key.toString());
        failsWithOneLine(1, "cannot use TLS certificate " + cert + " with key " + notPem, "--tls-cert", cert.toString(),
                "--tls-key", notPem.toString());
        failsWithOneLine(1, "--allow-file " + notPem + " line 1: endpoint id must be", "--allow-file", notPem.toString());
        failsWithOneLine(1, "--allow-file " + missing + ": no such file", "--allow-file", missing.toString());
    }

    @Test
    void badUsageExitsWith2AndATakenPortWith1() throws Exception {
        failsWithOneLine(2, "--tls-cert and --tls-key go together", "--tls-cert", "x.pem");
        failsWithOneLine(2, "--allow: endpoint id must be 64 hex or 52 base32 characters", "--allow", "someone");
        failsWithOneLine(2, "--queue-frames must be more than 0, got 0", "--queue-frames", "0");
        assertEquals(2, CliRun.of("relay", "--rate-limit", "fast").exitCode());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun r = CliRun.of("relay", "--bind", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("p2p-node relay: could not listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use",
                    r.err().strip());
        }
    }

    /** HTTPS relay, and QUIC address discovery beside it with the same certificate (iroh's QAD needs one). */
    @Test
    void withACertificateItServesHttpsAndAddressDiscovery(@TempDir Path dir) throws Exception {
        Path[] pem = selfSignedPem(dir);
        int qadPort;
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            qadPort = free.getLocalPort();
        }
        try (CliProcess p = CliProcess.start("relay", "--bind", "127.0.0.1:0", "--tls-cert", pem[0].toString(),
                "--tls-key", pem[1].toString(), "--qad-port", Integer.toString(qadPort));
             RelayTestClients clients = new RelayTestClients(trusting(pem[2]))) {
            RelayUrl url = awaitUrl(p);
            assertTrue(url.toString().startsWith("https://127.0.0.1:"), url.toString());
            RelayTestClients.Client a = clients.start(url, SecretKey.generate()).awaitConnected();
            RelayTestClients.Client b = clients.start(url, SecretKey.generate()).awaitConnected();
            assertTrue(a.send(b.peerKey, new byte[] {7, 7, 7}, 0));
            assertArrayEquals(new byte[] {7, 7, 7}, b.next(WAIT).bytes());

            assertEquals("qad: 127.0.0.1:" + qadPort, p.nextLine(WAIT));
            try (com.kafkaconnectiroh.p2p.endpoint.Endpoint ep = com.kafkaconnectiroh.p2p.endpoint.Endpoint.builder()
                    .bindAddr(new java.net.InetSocketAddress("127.0.0.1", 0)).bind()) {
                com.kafkaconnectiroh.p2p.endpoint.QadReport report = ep.discoverAddresses(
                        com.kafkaconnectiroh.p2p.endpoint.QadTarget.forRelay(url, qadPort),
                        com.kafkaconnectiroh.p2p.tls.X509Trust.of(java.util.List.of((java.security.cert.X509Certificate)
                                java.security.cert.CertificateFactory.getInstance("X.509")
                                        .generateCertificate(Files.newInputStream(pem[0])))),
                        WAIT);
                assertEquals(java.util.List.of(ep.boundAddress()), report.publicAddresses(), "what the relay's QAD saw: " + report);
            }
            assertEquals(0, p.stop(), p.stderr());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // A self-signed certificate for 127.0.0.1 from the JDK's keytool, written as PEM files

    /** {cert.pem, key.pem, keystore.p12} in {@code dir}. */
    static Path[] selfSignedPem(Path dir) throws Exception {
        Path store = dir.resolve("relay.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "relay", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String log = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, keytool.waitFor(), log);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        Certificate c = ks.getCertificate("relay");
        java.security.Key k = ks.getKey("relay", "changeit".toCharArray());
        Path cert = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", c.getEncoded()));
        Path key = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", k.getEncoded()));
        return new Path[] {cert, key, store};
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    static TrustManagerFactory trusting(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("relay", ks.getCertificate("relay"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }
}
