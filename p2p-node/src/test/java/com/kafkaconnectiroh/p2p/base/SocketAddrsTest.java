package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SocketAddrsTest {

    @Test
    void formatsLikeRust() {
        for (String s : List.of("1.2.3.4:5", "[::1]:4433", "[::]:0", "[fe80::1]:1", "[1:0:0:2::3]:1", "[1::2:0:0:3:4]:1",
                "[2001:db8:0:1:1:1:1:1]:65535", "[::ffff:1.2.3.4]:9", "[1:2:3:4:5:6:7:8]:1")) {
            assertEquals(s, SocketAddrs.format(SocketAddrs.parse(s)));
        }
        assertEquals("[::1]:1", SocketAddrs.format(SocketAddrs.parse("[0:0:0:0:0:0:0:1]:1")));
        assertEquals("[::102:304]:1", SocketAddrs.format(SocketAddrs.parse("[::1.2.3.4]:1")));
    }

    @Test
    void keepsIpv4MappedAsIpv6() {
        InetSocketAddress a = SocketAddrs.parse("[::ffff:127.0.0.1]:1");
        assertInstanceOf(Inet6Address.class, a.getAddress());
    }

    @Test
    void rustOrderPutsIpv4FirstThenBytesThenPort() {
        List<InetSocketAddress> l = new ArrayList<>(List.of(SocketAddrs.parse("[::]:1"), SocketAddrs.parse("9.9.9.9:2"),
                SocketAddrs.parse("9.9.9.9:1"), SocketAddrs.parse("200.0.0.1:1"), SocketAddrs.parse("10.0.0.1:65535")));
        l.sort(SocketAddrs.RUST_ORDER);
        assertEquals(List.of("9.9.9.9:1", "9.9.9.9:2", "10.0.0.1:65535", "200.0.0.1:1", "[::]:1"), l.stream().map(SocketAddrs::format).toList());
    }

    @Test
    void parsesIpv6TextForms() {
        assertArrayEquals(Hex.decode("00000000000000000000000000000001"), SocketAddrs.parseIpv6("::1"));
        assertArrayEquals(Hex.decode("20010db8000000000000000000000001"), SocketAddrs.parseIpv6("2001:DB8::1"));
        assertArrayEquals(Hex.decode("00000000000000000000ffff01020304"), SocketAddrs.parseIpv6("::ffff:1.2.3.4"));
        assertArrayEquals(Hex.decode("00010000000000000000000000000000"), SocketAddrs.parseIpv6("1::"));
        for (String bad : List.of("", ":", ":1", "1:", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "::1.2.3", "::1.2.3.04",
                "::1.2.3.256", "1:2:3:4:5:6:7:1.2.3.4", "g::", "fe80::1%eth0", "::١")) {
            assertNull(SocketAddrs.parseIpv6(bad), bad);
        }
    }

    @Test
    void parsesStrictIpv4() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, SocketAddrs.parseIpv4("127.0.0.1"));
        for (String bad : List.of("", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1..2.3", "1.2.3.4 ", "0x1.2.3.4", "1234.1.1.1")) {
            assertNull(SocketAddrs.parseIpv4(bad), bad);
        }
    }

    @Test
    void rejectsBadSocketAddresses() {
        for (String bad : List.of("127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "[::1]", "[::1]4433", "[::1:4433",
                "example.com:80", "::1:80", "1.2.3.4:08x")) {
            assertThrows(IllegalArgumentException.class, () -> SocketAddrs.parse(bad), bad);
        }
    }

    @Test
    void fuzzedTextIsParsedOrRefusedWithIllegalArgument() {
        Random rnd = new Random(8);
        String alphabet = "0123456789abcdefABCDEF:.[]%x ";
        int ok = 0;
        String[] seeds = {"127.0.0.1:80", "[2001:db8::1]:443", "[::ffff:1.2.3.4]:1", "[1:2:3:4:5:6:7:8]:65535"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(seeds[i % seeds.length]);
            for (int k = rnd.nextInt(3); k >= 0; k--) {
                int at = rnd.nextInt(sb.length());
                char c = alphabet.charAt(rnd.nextInt(alphabet.length()));
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.setCharAt(at, c);
                    case 1 -> sb.deleteCharAt(at);
                    default -> sb.insert(at, c);
                }
            }
            try {
                InetSocketAddress a = SocketAddrs.parse(sb.toString());
                assertEquals(a, SocketAddrs.parse(SocketAddrs.format(a)));
                ok++;
            } catch (IllegalArgumentException expected) {
                // clean rejection
            }
        }
        assertTrue(ok > 1_000, "mutations that stay valid: " + ok);
    }
}
