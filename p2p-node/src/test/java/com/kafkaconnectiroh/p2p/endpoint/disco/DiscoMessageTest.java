package com.kafkaconnectiroh.p2p.endpoint.disco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.net.Inet4Address;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Plaintext layouts of IR@v0.35.0 {@code iroh/src/disco.rs} (expected bytes from its {@code test_to_from_bytes}). */
class DiscoMessageTest {
    private static final TransactionId TX = TransactionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    @Test
    void pingLayout() throws Exception {
        EndpointId key = EndpointId.fromBytes(Hex.decode("bef3416825 66af4bf31645c8a76b183fd88c782b0470103e759b2dd748af28bd".replace(" ", "")));
        assertRoundTrip(new DiscoMessage.Ping(TX, key),
                "0100 0102030405060708090a0b0c bef341682566af4bf31645c8a76b183fd88c782b0470103e759b2dd748af28bd");
    }

    @Test
    void pongCarriesTheObservedAddressAsMappedIpv6WithALittleEndianPort() throws Exception {
        assertRoundTrip(new DiscoMessage.Pong(TX, new SendAddr.Udp(SocketAddrs.parse("2.3.4.5:1234"))),
                "0200 0102030405060708090a0b0c 00 00000000000000000000ffff02030405 d204");
        assertRoundTrip(new DiscoMessage.Pong(TX, new SendAddr.Udp(SocketAddrs.parse("[fed0::12]:6666"))),
                "0200 0102030405060708090a0b0c 00 fed00000000000000000000000000012 0a1a");
    }

    @Test
    void ipv4MappedComesBackAsIpv4() throws Exception {
        DiscoMessage.Pong pong = (DiscoMessage.Pong) DiscoMessage.decode(
                hex("0200 0102030405060708090a0b0c 00 00000000000000000000ffff7f000001 3412"));
        SendAddr.Udp udp = (SendAddr.Udp) pong.pingObservedAddr();
        assertInstanceOf(Inet4Address.class, udp.address().getAddress());
        assertEquals("127.0.0.1:4660", SocketAddrs.format(udp.address()));
    }

    @Test
    void pongWithRelayUrl() throws Exception {
        assertRoundTrip(new DiscoMessage.Pong(TX, new SendAddr.Relay(RelayUrl.parse("https://relay.example./"))),
                "0200 0102030405060708090a0b0c 01" + Hex.encode("https://relay.example./".getBytes()));
    }

    @Test
    void callMeMaybeLayout() throws Exception {
        assertRoundTrip(new DiscoMessage.CallMeMaybe(List.of()), "0300");
        assertRoundTrip(new DiscoMessage.CallMeMaybe(List.of(SocketAddrs.parse("1.2.3.4:567"), SocketAddrs.parse("[2001::3456]:789"))),
                "0300 00000000000000000000ffff01020304 3702 20010000000000000000000000003456 1503");
    }

    @Test
    void pingMayCarryTrailingBytesLikeIroh() throws Exception {
        byte[] longer = hex("0100 0102030405060708090a0b0c bef341682566af4bf31645c8a76b183fd88c782b0470103e759b2dd748af28bd ffff");
        assertInstanceOf(DiscoMessage.Ping.class, DiscoMessage.decode(longer));
    }

    @Test
    void rejectsWhatIrohRejects() {
        assertRejected("", "too short");
        assertRejected("01", "too short");
        assertRejected("0400", "unknown disco message type 4");
        assertRejected("0101 0102030405060708090a0b0c bef341682566af4bf31645c8a76b183fd88c782b0470103e759b2dd748af28bd", "version 1");
        assertRejected("0100 0102030405060708090a0b0c bef341682566af4bf31645c8a76b183fd88c782b0470103e759b2dd748af28", "need 44");
        assertRejected("0200 0102030405060708090a0b", "at least 12");
        assertRejected("0200 0102030405060708090a0b0c 0000", "too short");
        assertRejected("0200 0102030405060708090a0b0c 00 00000000000000000000ffff02030405 d20400", "expected 18");
        assertRejected("0200 0102030405060708090a0b0c 02 00000000000000000000ffff02030405 d204", "address type 2");
        assertRejected("0200 0102030405060708090a0b0c 01 ff fe fd", "not UTF-8");
        assertRejected("0200 0102030405060708090a0b0c 01" + Hex.encode("ftp://x/".getBytes()), "relay URL is invalid");
        assertRejected("0300 00000000000000000000ffff01020304 37", "whole number");
    }

    @Test
    void decodingRandomBytesNeverThrowsAnythingElse() {
        Random rnd = new Random(3);
        byte[] valid = new DiscoMessage.Pong(TX, new SendAddr.Udp(SocketAddrs.parse("2.3.4.5:1234"))).encode();
        for (int i = 0; i < 20_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(60)];
                rnd.nextBytes(b);
                if (b.length > 1) {
                    b[0] = (byte) (1 + rnd.nextInt(3));
                    b[1] = 0;
                }
            } else {
                b = Arrays.copyOf(valid, 1 + rnd.nextInt(valid.length + 3));
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
            try {
                DiscoMessage m = DiscoMessage.decode(b);
                // Anything accepted re-encodes to a message that decodes to itself.
                assertEquals(m, DiscoMessage.decode(m.encode()));
            } catch (DiscoException expected) {
                // rejected cleanly
            }
        }
    }

    private static void assertRoundTrip(DiscoMessage m, String expectedHex) throws DiscoException {
        assertEquals(expectedHex.replace(" ", ""), Hex.encode(m.encode()));
        assertEquals(m, DiscoMessage.decode(hex(expectedHex)));
    }

    private static void assertRejected(String h, String messagePart) {
        DiscoException e = assertThrows(DiscoException.class, () -> DiscoMessage.decode(hex(h)));
        assertTrue(e.getMessage().contains(messagePart), "message '" + e.getMessage() + "' should mention '" + messagePart + "'");
    }

    private static byte[] hex(String h) {
        return Hex.decode(h.replace(" ", ""));
    }
}
