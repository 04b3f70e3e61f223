package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import com.kafkaconnectiroh.p2p.tls.EncryptionLevel;
import com.kafkaconnectiroh.p2p.tls.QuicTlsSession;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsEvent;
import com.kafkaconnectiroh.p2p.tls.TlsException;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CPU time of one full TLS handshake, client and server together, in memory (no QUIC, no packet protection).
 * iroh's full QUIC handshake takes about 1.2 ms; this is the TLS share of ours. Single-threaded.
 *
 * <p>Args: [handshakes per round, default 2000] [rounds, default 5].
 */
public final class TlsHandshakeBench {
    public static void main(String[] args) throws TlsException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        SecretKey clientKey = SecretKey.generate();
        SecretKey serverKey = SecretKey.generate();
        List<byte[]> alpns = List.of("/iroh-bytes/4".getBytes(StandardCharsets.US_ASCII));
        byte[] tp = new byte[60];
        TlsServerConfig server = new TlsServerConfig(serverKey, alpns);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double floor = cryptoFloor(mx, n, rounds, clientKey, serverKey);
        System.out.printf("%-30s %8.1f µs CPU (2 Ed25519 signs + 2 verifies + 2 X25519 key pairs + 2 agreements)%n",
                "crypto floor", floor);
        for (CipherSuite suite : CipherSuite.values()) {
            TlsClientConfig client = new TlsClientConfig(clientKey, serverKey.publicKey(), alpns).withCipherSuites(suite);
            for (int i = 0; i < n; i++) {
                handshake(client, server, tp);
            }
            double best = Double.MAX_VALUE;
            for (int r = 0; r < rounds; r++) {
                long cpu0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    handshake(client, server, tp);
                }
                double us = (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
                best = Math.min(best, us);
            }
            System.out.printf("%-30s %8.1f µs CPU per handshake (client+server), %.2f× the crypto floor, %.2f× iroh's 1.2 ms full handshake%n",
                    suite, best, best / floor, best / 1200.0);
        }
    }

    /** The public-key operations one handshake cannot avoid, on the same primitives, measured the same way. */
    static double cryptoFloor(ThreadMXBean mx, int n, int rounds, SecretKey a, SecretKey b) {
        byte[] msg = new byte[130];
        byte[] sig = a.sign(msg);
        byte[] pub = a.publicKey().toBytes();
        byte[] k = new byte[32];
        byte[] p = new byte[32];
        byte[] shared = new byte[32];
        java.util.Random r = new java.util.Random(1);
        double best = Double.MAX_VALUE;
        for (int round = 0; round <= rounds; round++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                a.sign(msg);
                b.sign(msg);
                com.kafkaconnectiroh.p2p.crypto.Ed25519.verify(pub, msg, sig);
                com.kafkaconnectiroh.p2p.crypto.Ed25519.verify(pub, msg, sig);
                for (int j = 0; j < 2; j++) {
                    r.nextBytes(k);
                    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(k, 0, p, 0);
                    org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(k, 0, p, 0, shared, 0);
                }
            }
            double us = (mx.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            if (round > 0) {
                best = Math.min(best, us);
            }
        }
        return best;
    }

    static void handshake(TlsClientConfig clientConfig, TlsServerConfig serverConfig, byte[] tp) throws TlsException {
        TlsClientSession c = new TlsClientSession(clientConfig, tp);
        TlsServerSession s = new TlsServerSession(serverConfig, tp);
        c.start();
        boolean progress = true;
        while (progress) {
            progress = shuttle(c, s) | shuttle(s, c);
        }
        if (!c.isHandshakeComplete() || !s.isHandshakeComplete()) {
            throw new IllegalStateException("handshake did not complete");
        }
    }

    private static boolean shuttle(QuicTlsSession from, QuicTlsSession to) throws TlsException {
        boolean any = false;
        TlsEvent e;
        while ((e = from.poll()) != null) {
            any = true;
            if (e instanceof TlsEvent.HandshakeData d) {
                EncryptionLevel level = d.level();
                to.onHandshakeData(level, d.data(), 0, d.data().length);
            }
        }
        return any;
    }
}
