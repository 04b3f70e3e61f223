package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TicketTest {
    private static final EndpointId AE58 = EndpointAddrTest.AE58;
    private static final String DERP_ME = EndpointAddrTest.DERP_ME;

    /** IR@v0.35.0 {@code iroh-base/src/ticket/node.rs::test_ticket_base32}. */
    @Test
    void nodeTicketMatchesIroh035() {
        NodeTicket t = new NodeTicket(EndpointAddr.of(AE58, RelayUrl.parse("http://derp.me./"), List.of(SocketAddrs.parse("127.0.0.1:1024"))));
        assertEquals("00" + AE58 + "01" + "10" + DERP_ME + "01" + "00" + "7f0000018008", Hex.encode(t.toBytes()));
        assertTrue(t.toString().startsWith("node"));
        assertEquals(t, NodeTicket.parse(t.toString()));
    }

    /** iroh-tickets v1.0.0 {@code src/endpoint.rs::test_ticket_base32}. */
    @Test
    void endpointTicketMatchesIrohTickets() {
        EndpointTicket t = new EndpointTicket(EndpointAddr.of(AE58, RelayUrl.parse("http://derp.me./"), List.of(SocketAddrs.parse("127.0.0.1:1024"))));
        assertEquals("00" + AE58 + "02" + "00" + "10" + DERP_ME + "01" + "00" + "7f0000018008", Hex.encode(t.toBytes()));
    }

    /**
     * Made by iroh 1.0.2 (npm {@code @number0/iroh@1.1.0}): {@code EndpointTicket.fromAddr(new EndpointAddr(id of
     * seed 0, "http://derp.me.", ["127.0.0.1:1024", "[::1]:4433"]))}.
     */
    @Test
    void endpointTicketMatchesALiveIroh1Ticket() {
        String live = "endpointaa5wuj54z23killcuounaktpbvzwkmqvo4o6eq5ghlaerimllhncsayacbuhi5dqhixs6zdfojyc43lffyxqcad7aaaadaaiaeaqaaaaaaaaaaaaaaaaaaaaaaaadujc";
        EndpointId zero = SecretKey.fromBytes(new byte[32]).publicKey();
        EndpointTicket ours = new EndpointTicket(EndpointAddr.of(zero, RelayUrl.parse("http://derp.me."),
                List.of(SocketAddrs.parse("[::1]:4433"), SocketAddrs.parse("127.0.0.1:1024"))));
        assertEquals(live, ours.toString());
        EndpointTicket parsed = EndpointTicket.parse(live);
        assertEquals(ours, parsed);
        assertEquals("00" + zero + "03" + "0010" + DERP_ME + "01007f0000018008" + "0101" + "00".repeat(15) + "01" + "d122", Hex.encode(parsed.toBytes()));
    }

    @Test
    void parsingIgnoresCaseAndSurroundingWhitespace() {
        NodeTicket t = new NodeTicket(EndpointAddr.of(AE58, null, List.of(SocketAddrs.parse("10.0.0.1:9"))));
        assertEquals(t, NodeTicket.parse("  " + t.toString().toUpperCase(Locale.ROOT) + "\n"));
        String mixed = "Node" + t.toString().substring(4, 20).toUpperCase(Locale.ROOT) + t.toString().substring(20);
        assertEquals(t, NodeTicket.parse(mixed));
    }

    @Test
    void rejectsWrongKindTrailingBytesBadIdsAndBadBase32() {
        EndpointAddr addr = EndpointAddr.of(AE58, null, List.of(SocketAddrs.parse("10.0.0.1:9")));
        String endpoint = new EndpointTicket(addr).toString();
        String node = new NodeTicket(addr).toString();
        assertMessage(() -> NodeTicket.parse(endpoint), "expected a ticket starting with 'node', got 'endpoint");
        assertMessage(() -> EndpointTicket.parse(node), "expected a ticket starting with 'endpoint', got 'node");
        assertMessage(() -> EndpointTicket.parse("endpoint" + Base32.STANDARD.encode(concat(new EndpointTicket(addr).toBytes(), new byte[] {0}))), "trailing");
        assertMessage(() -> EndpointTicket.parse("endpoint" + Base32.STANDARD.encode(Hex.decode("01" + AE58 + "00"))), "variant 1");
        byte[] badId = new EndpointTicket(addr).toBytes();
        badId[1] = 2;
        java.util.Arrays.fill(badId, 2, 33, (byte) 0);
        assertMessage(() -> EndpointTicket.parse("endpoint" + Base32.STANDARD.encode(badId)), "not a valid Ed25519 public key");
        assertMessage(() -> EndpointTicket.parse(endpoint + "1"), "base32");
        assertMessage(() -> EndpointTicket.parse(endpoint.substring(0, endpoint.length() - 3)), "invalid endpoint ticket");
        // Non-zero trailing bits: the last character must encode only zero padding bits.
        String last = endpoint.substring(endpoint.length() - 1);
        String bumped = endpoint.substring(0, endpoint.length() - 1) + (last.equals("z") ? "y" : "z");
        assertThrows(IllegalArgumentException.class, () -> EndpointTicket.parse(bumped));
    }

    @Test
    void fuzzedTicketStringsFailWithIllegalArgumentOnly() {
        String seed = new EndpointTicket(EndpointAddr.of(AE58, RelayUrl.parse("https://relay.example./"),
                List.of(SocketAddrs.parse("192.168.1.2:7777"), SocketAddrs.parse("[fe80::1]:1")))).toString();
        Random rnd = new Random(7);
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567ABC01=@:[]. ";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder(seed);
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int at = rnd.nextInt(sb.length());
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    case 1 -> sb.deleteCharAt(at);
                    default -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
            }
            try {
                EndpointTicket t = EndpointTicket.parse(sb.toString());
                assertEquals(t, EndpointTicket.parse(t.toString()));
            } catch (IllegalArgumentException expected) {
                // clean rejection
            }
            try {
                EndpointAddrs.parse(sb.toString());
            } catch (IllegalArgumentException expected) {
                // clean rejection
            }
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), "'" + ex.getMessage() + "' should mention '" + part + "'");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
