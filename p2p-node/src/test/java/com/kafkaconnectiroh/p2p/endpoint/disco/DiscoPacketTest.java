package com.kafkaconnectiroh.p2p.endpoint.disco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DiscoPacketTest {
    private static final SecretKey A = SecretKey.fromBytes(filled(0x01));
    private static final SecretKey B = SecretKey.fromBytes(filled(0x02));
    private static final TransactionId TX = TransactionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    /**
     * A Ping from seed 01…01 to seed 02…02 sealed by libsodium 1.0.18
     * ({@code crypto_box_curve25519xchacha20poly1305_easy}, nonce 00 01 … 17) and framed as iroh does.
     */
    private static final String LIBSODIUM_PING = "5453f09f92ac"
            + "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
            + "db948186bef3062c3ae5eefdcc75bb1ef5f27077aaa03f60fc185107d643f5665d80ce8699fe7c31691bcb9df4455fdf96bd15ded56dabd4c66984e3570b"
            + "000102030405060708090a0b0c0d0e0f1011121314151617";

    /**
     * A Pong sealed by a live iroh 0.35.0 node (npm {@code @number0/iroh@0.35.0}, seed 11…11) to us (seed 22…22),
     * answering our Ping with transaction id 01…0c sent from 127.0.0.1:60186.
     */
    private static final String IROH_035_PONG = "5453f09f92ac"
            + "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"
            + "008220af6844307e034d539899cde07605eff87d9387d2bf5ed3895ad3302d49715e55c91fc02086bdfd2eebc43ffbba4ca790e92406f1"
            + "3ce6fcac2ac87346feb6e3626d92b234ad06";

    /** The same node's own Ping back to us, sent right after that Pong. */
    private static final String IROH_035_PING = "5453f09f92ac"
            + "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"
            + "38b7887b5e5af449e55b7de30d8b02d81ed59aab7bd2346ee11cce9ffd4e8cb55deaeaa7ee58931b9c142a20233260e2e43d0c0a884c216a2cc4fb8c355c125fc2d1ad396d70c355db45137e4c1ca6da5fd7b38635b4";

    @Test
    void opensAPacketSealedByLibsodium() throws Exception {
        DiscoPacket.Received r = DiscoPacket.open(B, Hex.decode(LIBSODIUM_PING));
        assertEquals(A.publicKey(), r.sender());
        assertEquals(new DiscoMessage.Ping(TX, A.publicKey()), r.message());
    }

    @Test
    void sealsTheSameBytesAsLibsodium() {
        byte[] nonce = new byte[24];
        for (int i = 0; i < 24; i++) {
            nonce[i] = (byte) i;
        }
        byte[] sealed = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()), nonce);
        assertEquals(LIBSODIUM_PING, Hex.encode(sealed));
    }

    @Test
    void opensPacketsSealedByIroh035() throws Exception {
        SecretKey us = SecretKey.fromBytes(filled(0x22));
        EndpointId node = SecretKey.fromBytes(filled(0x11)).publicKey();
        DiscoPacket.Received pong = DiscoPacket.open(us, Hex.decode(IROH_035_PONG));
        assertEquals(node, pong.sender());
        DiscoMessage.Pong p = assertInstanceOf(DiscoMessage.Pong.class, pong.message());
        assertEquals(TX, p.txId());
        assertEquals("127.0.0.1:60186", SocketAddrs.format(((SendAddr.Udp) p.pingObservedAddr()).address()));
        assertEquals(111, Hex.decode(IROH_035_PONG).length);

        DiscoPacket.Received ping = DiscoPacket.open(us, Hex.decode(IROH_035_PING));
        DiscoMessage.Ping pi = assertInstanceOf(DiscoMessage.Ping.class, ping.message());
        assertEquals(node, pi.nodeKey());
        assertEquals(124, Hex.decode(IROH_035_PING).length);
    }

    @Test
    void sealOpenRoundTripsEveryMessageKind() throws Exception {
        DiscoSecrets a = new DiscoSecrets(A, 4);
        DiscoSecrets b = new DiscoSecrets(B, 4);
        DiscoMessage[] messages = {
            new DiscoMessage.Ping(TX, A.publicKey()),
            new DiscoMessage.Pong(TX, new SendAddr.Udp(SocketAddrs.parse("[2001:db8::1]:443"))),
            new DiscoMessage.CallMeMaybe(java.util.List.of(SocketAddrs.parse("10.0.0.1:1"), SocketAddrs.parse("[::1]:2"))),
        };
        for (DiscoMessage m : messages) {
            byte[] packet = a.seal(B.publicKey(), m);
            assertTrue(DiscoPacket.looksLikeDisco(packet));
            assertEquals(38 + 16 + m.encode().length + 24, packet.length);
            DiscoPacket.Received r = b.open(packet);
            assertEquals(A.publicKey(), r.sender());
            assertEquals(m, r.message());
        }
        assertEquals(124, a.seal(B.publicKey(), messages[0]).length);
    }

    @Test
    void freshNoncesMakeEveryPacketDifferent() {
        DiscoSecrets a = new DiscoSecrets(A, 4);
        DiscoMessage m = new DiscoMessage.Ping(TX, A.publicKey());
        assertFalse(Arrays.equals(a.seal(B.publicKey(), m), a.seal(B.publicKey(), m)));
    }

    @Test
    void looksLikeDiscoNeedsTheMagicAndThirtyEightBytes() {
        byte[] p = new byte[38];
        System.arraycopy(DiscoPacket.MAGIC, 0, p, 0, 6);
        assertTrue(DiscoPacket.looksLikeDisco(p));
        assertFalse(DiscoPacket.looksLikeDisco(Arrays.copyOf(p, 37)));
        p[5] = 0;
        assertFalse(DiscoPacket.looksLikeDisco(p));
        // A QUIC short header with the fixed bit set starts 0b01xxxxxx, so 0x54 alone decides nothing.
        byte[] quic = new byte[1200];
        quic[0] = 0x54;
        assertFalse(DiscoPacket.looksLikeDisco(quic));
    }

    @Test
    void anyTamperingIsACheckedError() throws Exception {
        byte[] packet = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()));
        DiscoSecrets b = new DiscoSecrets(B, 4);
        for (int i = 0; i < packet.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if (i == DiscoPacket.HEADER_LENGTH - 1 && bit == 7) {
                    continue; // the sign bit of the sender key: see signOfTheSenderKeyIsNotAuthenticated
                }
                byte[] t = packet.clone();
                t[i] ^= (byte) (1 << bit);
                assertThrows(DiscoException.class, () -> b.open(t), "flipped byte " + i + " bit " + bit);
            }
        }
        b.open(packet);
    }

    /**
     * The box key comes from the Montgomery form of the sender's key, which is the same for A and −A (only the
     * sign of x differs). So flipping the header key's sign bit still opens, but as a different sender — one
     * nobody holds the secret for. iroh 0.35 behaves the same; callers must not treat disco as proof of identity
     * beyond that (the QUIC/TLS handshake is the proof).
     */
    @Test
    void signOfTheSenderKeyIsNotAuthenticated() throws Exception {
        byte[] packet = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()));
        packet[DiscoPacket.HEADER_LENGTH - 1] ^= (byte) 0x80;
        DiscoPacket.Received r = DiscoPacket.open(B, packet);
        assertFalse(r.sender().equals(A.publicKey()));
        byte[] negated = A.publicKey().toBytes();
        negated[31] ^= (byte) 0x80;
        assertArrayEquals(negated, r.sender().toBytes());
    }

    @Test
    void wrongRecipientCannotOpen() {
        byte[] packet = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()));
        DiscoException e = assertThrows(DiscoException.class, () -> DiscoPacket.open(SecretKey.fromBytes(filled(3)), packet));
        assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
    }

    @Test
    void everyTruncationIsACheckedError() {
        byte[] packet = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Pong(TX, new SendAddr.Udp(SocketAddrs.parse("1.2.3.4:5"))));
        DiscoSecrets b = new DiscoSecrets(B, 4);
        for (int len = 0; len < packet.length; len++) {
            byte[] t = Arrays.copyOf(packet, len);
            assertThrows(DiscoException.class, () -> b.open(t), "length " + len);
        }
    }

    @Test
    void invalidSenderKeyIsACheckedError() {
        byte[] packet = new DiscoSecrets(A, 4).seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()));
        // y = 2 is not on the curve (no square root for x²).
        byte[] bad = new byte[32];
        bad[0] = 2;
        System.arraycopy(bad, 0, packet, 6, 32);
        DiscoException e = assertThrows(DiscoException.class, () -> DiscoPacket.open(B, packet));
        assertTrue(e.getMessage().contains("sender key"), e.getMessage());
    }

    @Test
    void fuzzedDatagramsOnlyEverRaiseDiscoException() {
        Random rnd = new Random(4);
        DiscoSecrets a = new DiscoSecrets(A, 4);
        DiscoSecrets b = new DiscoSecrets(B, 4);
        byte[] good = a.seal(B.publicKey(), new DiscoMessage.Ping(TX, A.publicKey()));
        int opened = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] d;
            switch (i % 3) {
                case 0:
                    d = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(d);
                    if (d.length >= 6 && rnd.nextBoolean()) {
                        System.arraycopy(DiscoPacket.MAGIC, 0, d, 0, 6);
                    }
                    break;
                case 1:
                    d = good.clone();
                    for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                        d[rnd.nextInt(d.length)] = (byte) rnd.nextInt(256);
                    }
                    break;
                default:
                    d = Arrays.copyOf(good, rnd.nextInt(good.length * 2));
                    break;
            }
            try {
                b.open(d);
                opened++;
            } catch (DiscoException expected) {
                // clean rejection
            }
        }
        // Only unmodified copies (mutations that happened to rewrite a byte to itself) may open.
        assertTrue(opened < 100, "opened " + opened);
    }

    @Test
    void peerCacheIsBounded() throws Exception {
        DiscoSecrets b = new DiscoSecrets(B, 2);
        for (int i = 10; i < 20; i++) {
            SecretKey k = SecretKey.fromBytes(filled(i));
            byte[] p = new DiscoSecrets(k, 1).seal(B.publicKey(), new DiscoMessage.Ping(TX, k.publicKey()));
            assertEquals(k.publicKey(), b.open(p).sender());
        }
        assertArrayEquals(B.publicKey().toBytes(), b.endpointId().toBytes());
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
