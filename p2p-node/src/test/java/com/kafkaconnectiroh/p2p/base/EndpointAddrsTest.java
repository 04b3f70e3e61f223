package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointAddrsTest {
    private static final EndpointId ID = EndpointAddrTest.AE58;

    @Test
    void acceptsBothTicketKinds() {
        EndpointAddr addr = EndpointAddr.of(ID, RelayUrl.parse("http://derp.me./"), List.of(SocketAddrs.parse("127.0.0.1:1024")));
        assertEquals(addr, EndpointAddrs.parse(new EndpointTicket(addr).toString()));
        assertEquals(addr, EndpointAddrs.parse(new NodeTicket(addr).toString()));
        assertEquals(addr, EndpointAddrs.parse(" " + new NodeTicket(addr).toString().toUpperCase() + " "));
    }

    @Test
    void acceptsIdAtAddresses() {
        assertEquals(EndpointAddr.of(ID, null, List.of(SocketAddrs.parse("127.0.0.1:4433"))), EndpointAddrs.parse(ID + "@127.0.0.1:4433"));
        EndpointAddr two = EndpointAddrs.parse(ID + "@[::1]:4433,10.1.2.3:1");
        assertEquals(List.of("10.1.2.3:1", "[::1]:4433"), two.ipAddrs().stream().map(SocketAddrs::format).toList());
        String base32Id = Base32.STANDARD.encode(ID.toBytes());
        assertEquals(ID, EndpointAddrs.parse(base32Id.toUpperCase() + "@[2001:db8::7]:9").id());
    }

    @Test
    void acceptsABareId() {
        assertEquals(EndpointAddr.of(ID), EndpointAddrs.parse(ID.toString()));
        assertEquals(EndpointAddr.of(ID), EndpointAddrs.parse(Base32.STANDARD.encode(ID.toBytes())));
        assertEquals(EndpointAddr.of(ID), EndpointAddrs.parse(ID.toString().toUpperCase()));
    }

    @Test
    void aBase32IdThatSpellsNodeOrEndpointIsStillAnId() {
        // Random valid points whose base32 form starts with a ticket kind (about half of all y values are points).
        Random rnd = new Random(9);
        for (String prefix : List.of("node", "endpoint")) {
            while (true) {
                StringBuilder sb = new StringBuilder(prefix);
                while (sb.length() < 51) {
                    sb.append("abcdefghijklmnopqrstuvwxyz234567".charAt(rnd.nextInt(32)));
                }
                sb.append('a'); // the 52nd character carries 4 bits of padding, which must be zero
                byte[] bytes = Base32.STANDARD.decode(sb);
                if (!com.kafkaconnectiroh.p2p.crypto.Ed25519.isValidPublicKey(bytes)) {
                    continue;
                }
                assertEquals(EndpointId.fromBytes(bytes), EndpointAddrs.parse(sb.toString()).id());
                break;
            }
        }
    }

    @Test
    void explainsWhatIsWrong() {
        assertMessage("", "got nothing");
        assertMessage("hello", "expected an endpoint… or node… ticket");
        assertMessage(ID + "@", "nothing follows '@'");
        assertMessage(ID + "@localhost:4433", "invalid IPv4 address 'localhost'");
        assertMessage(ID + "@::1:4433", "IPv6 needs brackets");
        assertMessage(ID + "@127.0.0.1", "expected ip:port");
        assertMessage(ID + "@127.0.0.1:65536", "invalid port");
        assertMessage(ID + "@127.0.0.1:1,", "expected ip:port");
        assertMessage("abc@127.0.0.1:1", "64 hex or 52 base32");
        assertMessage("0".repeat(64), "not a valid Ed25519 public key");
        assertMessage("nodeaaaa", "invalid node ticket");
    }

    private static void assertMessage(String input, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointAddrs.parse(input));
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }
}
