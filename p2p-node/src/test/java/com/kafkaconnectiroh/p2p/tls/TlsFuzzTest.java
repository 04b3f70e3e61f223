package com.kafkaconnectiroh.p2p.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of every flight of real handshakes: whatever a hostile or broken peer sends, only a
 * {@link TlsException} with a protocol alert (never internal_error) may come out, buffering stays bounded, and a
 * handshake never completes on altered bytes.
 */
class TlsFuzzTest {
    private static final int MAX_BUFFERED = 4 + TlsSession.MAX_MESSAGE_LEN;

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(10)) {
            case 0: { // flip a few bits
                int n = 1 + r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1: { // set bytes to boundary values
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 1}[r.nextInt(5)];
                }
                return b;
            }
            case 2: // truncate
                return Arrays.copyOf(b, r.nextInt(b.length));
            case 3: { // insert random bytes
                int at = r.nextInt(b.length + 1);
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                byte[] out = new byte[b.length + ins.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(b, at, out, at + ins.length, b.length - at);
                return out;
            }
            case 4: { // delete a range
                int at = r.nextInt(b.length);
                int n = 1 + r.nextInt(Math.min(32, b.length - at));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
            case 5: { // corrupt what is likely a length field: a 16-bit value near a small one
                int at = r.nextInt(Math.max(1, b.length - 1));
                int v = ((b[at] & 0xFF) << 8 | (b.length > at + 1 ? b[at + 1] & 0xFF : 0)) + r.nextInt(7) - 3;
                b[at] = (byte) (v >>> 8);
                if (b.length > at + 1) {
                    b[at + 1] = (byte) v;
                }
                return b;
            }
            case 6: { // a message header claiming another length
                List<byte[]> ms = Messages.split(b);
                byte[] m = ms.get(r.nextInt(ms.size())).clone();
                int len = r.nextBoolean() ? r.nextInt(1 << 24) : Math.max(0, m.length - 4 + r.nextInt(9) - 4);
                m[1] = (byte) (len >>> 16);
                m[2] = (byte) (len >>> 8);
                m[3] = (byte) len;
                ms.set(ms.indexOf(ms.stream().filter(x -> x[0] == m[0]).findFirst().orElseThrow()), m);
                return Messages.join(ms);
            }
            case 7: { // duplicate or drop a message
                List<byte[]> ms = new java.util.ArrayList<>(Messages.split(b));
                int i = r.nextInt(ms.size());
                if (r.nextBoolean() || ms.size() == 1) {
                    ms.add(i, ms.get(i));
                } else {
                    ms.remove(i);
                }
                return Messages.join(ms);
            }
            case 8: { // change a message type
                List<byte[]> ms = Messages.split(b);
                byte[] m = ms.get(r.nextInt(ms.size()));
                m[0] = (byte) new int[] {1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254, r.nextInt(256)}[r.nextInt(12)];
                return Messages.join(ms);
            }
            default: { // random garbage
                byte[] g = new byte[r.nextInt(300)];
                r.nextBytes(g);
                if (g.length > 0 && r.nextBoolean()) {
                    g[0] = b[0];
                }
                return g;
            }
        }
    }

    @Test
    void mutatedFlightsOnlyEverRaiseTlsExceptions() {
        Random r = new Random(0x7157_2026L);
        int failed = 0;
        int stalled = 0;
        int[] alerts = new int[256];
        for (int iteration = 0; iteration < 1200; iteration++) {
            boolean retry = r.nextInt(4) == 0;
            int flightCount = retry ? 6 : 4;
            int target = r.nextInt(flightCount);
            CipherSuite suite = CipherSuite.values()[r.nextInt(3)];
            TlsClientConfig cc = TlsHandshakeTest.clientConfig().withCipherSuites(suite).withRandom(new Random(r.nextLong()));
            if (retry) {
                cc = cc.withoutInitialKeyShare();
            }
            byte[][] original = new byte[1][];
            byte[][] mutated = new byte[1][];
            HandshakeLoop l = TlsHandshakeTest.loop(cc, TlsHandshakeTest.serverConfig().withRandom(new Random(r.nextLong())))
                    .chunked(r.nextInt(3) == 0 ? 1 + r.nextInt(40) : Integer.MAX_VALUE)
                    .tamper((fromClient, level, i, data) -> {
                        if (i != target) {
                            return data;
                        }
                        original[0] = data;
                        mutated[0] = mutate(data, r);
                        return mutated[0];
                    });
            try {
                l.run();
                if (l.client.isHandshakeComplete() && l.server.isHandshakeComplete()) {
                    assertArrayEquals(original[0], mutated[0], "handshake completed over altered bytes");
                } else {
                    stalled++;
                }
            } catch (TlsException e) {
                failed++;
                alerts[e.alert().code()]++;
                assertNotEquals(TlsAlert.INTERNAL_ERROR, e.alert(), () -> "engine failure on mutated flight: " + e.getMessage());
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            } catch (Throwable t) {
                fail("unchecked failure on a mutated flight " + target + " (" + suite + ", retry " + retry + ")", t);
            }
            assertTrue(l.client.bufferedBytes() <= MAX_BUFFERED);
            assertTrue(l.server.bufferedBytes() <= MAX_BUFFERED);
        }
        assertTrue(failed > 900, "most mutations must be detected, got " + failed + " failures, " + stalled + " stalls");
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < alerts.length; a++) {
            if (alerts[a] > 0) {
                sb.append(a).append('×').append(alerts[a]).append(' ');
            }
        }
        System.out.println("TLS fuzz: " + failed + " rejected (alerts " + sb + "), " + stalled + " waiting for more bytes");
    }

    @Test
    void randomInputToFreshSessionsAndAfterCompletion() throws TlsException {
        Random r = new Random(42);
        for (int i = 0; i < 1500; i++) {
            byte[] junk = new byte[r.nextInt(200)];
            r.nextBytes(junk);
            if (junk.length > 4 && r.nextBoolean()) {
                junk[0] = (byte) new int[] {1, 2, 4, 8, 11, 13, 15, 20}[r.nextInt(8)];
                junk[1] = 0;
                junk[2] = 0;
                junk[3] = (byte) (junk.length - 4);
            }
            QuicTlsSession s;
            EncryptionLevel level;
            switch (i % 3) {
                case 0:
                    s = new TlsServerSession(TlsHandshakeTest.serverConfig(), TlsHandshakeTest.SERVER_TP);
                    level = EncryptionLevel.INITIAL;
                    break;
                case 1: {
                    TlsClientSession c = new TlsClientSession(TlsHandshakeTest.clientConfig(), TlsHandshakeTest.CLIENT_TP);
                    c.start();
                    c.poll();
                    s = c;
                    level = EncryptionLevel.INITIAL;
                    break;
                }
                default:
                    s = TlsHandshakeTest.loop().run().client;
                    level = EncryptionLevel.APPLICATION;
            }
            try {
                HandshakeLoop.deliver(s, level, junk, 1 + r.nextInt(64));
            } catch (TlsException e) {
                assertNotEquals(TlsAlert.INTERNAL_ERROR, e.alert(), e::getMessage);
            }
            assertTrue(((TlsSession) s).bufferedBytes() <= MAX_BUFFERED);
        }
    }

    /** A ClientHello stuffed with thousands of groups and shares (the server checks them with bit sets). */
    @Test
    void clientHelloWithThousandsOfGroupsAndShares() {
        java.io.ByteArrayOutputStream groups = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream shares = new java.io.ByteArrayOutputStream();
        for (int g = 0x100; g < 0x100 + 6000; g++) {
            groups.write(g >>> 8);
            groups.write(g);
            shares.writeBytes(new byte[] {(byte) (g >>> 8), (byte) g, 0, 1, 7});
        }
        byte[] sg = groups.toByteArray();
        byte[] ks = shares.toByteArray();
        byte[] sgBody = new byte[2 + sg.length];
        sgBody[0] = (byte) (sg.length >>> 8);
        sgBody[1] = (byte) sg.length;
        System.arraycopy(sg, 0, sgBody, 2, sg.length);
        byte[] ksBody = new byte[2 + ks.length];
        ksBody[0] = (byte) (ks.length >>> 8);
        ksBody[1] = (byte) ks.length;
        System.arraycopy(ks, 0, ksBody, 2, ks.length);
        HandshakeLoop l = TlsHandshakeTest.loop().tamper((fromClient, level, i, data) -> i == 0
                ? Messages.rewriteExtensions(data, x -> Messages.with(Messages.with(x, ExtensionType.SUPPORTED_GROUPS, sgBody),
                        ExtensionType.KEY_SHARE, ksBody))
                : data);
        TlsException e = assertThrows(TlsException.class, l::run);
        assertEquals(TlsAlert.HANDSHAKE_FAILURE, e.alert(), e.getMessage()); // x25519 neither listed nor shared
    }

    @Test
    void aMaximalMessageIsBufferedOnceAndThenJudged() {
        TlsServerSession s = new TlsServerSession(TlsHandshakeTest.serverConfig(), TlsHandshakeTest.SERVER_TP);
        byte[] header = {1, 0x01, 0x00, 0x00}; // ClientHello of exactly 65536 bytes: allowed, buffered
        byte[] body = new byte[TlsSession.MAX_MESSAGE_LEN];
        TlsException e = assertThrows(TlsException.class, () -> {
            s.onHandshakeData(EncryptionLevel.INITIAL, header, 0, 4);
            for (int off = 0; off < body.length; off += 1000) {
                s.onHandshakeData(EncryptionLevel.INITIAL, body, off, Math.min(1000, body.length - off));
                assertTrue(s.bufferedBytes() <= MAX_BUFFERED);
            }
        });
        assertEquals(TlsAlert.DECODE_ERROR, e.alert(), e.getMessage()); // all zeros: an empty body with trailing bytes
        assertEquals(0, s.bufferedBytes());
    }
}
