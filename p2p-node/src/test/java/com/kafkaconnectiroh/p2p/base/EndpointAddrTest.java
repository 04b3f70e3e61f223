package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointAddrTest {
    static final EndpointId AE58 = EndpointId.parse("ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6");
    static final String DERP_ME = "687474703a2f2f646572702e6d652e2f"; // "http://derp.me./"

    @Test
    void socketAddrPostcardIsTagAddressVarintPort() {
        assertEquals("007f0000018008", hex(w -> EndpointAddr.writeSocketAddr(w, SocketAddrs.parse("127.0.0.1:1024"))));
        assertEquals("0100000000000000000000000000000001d122", hex(w -> EndpointAddr.writeSocketAddr(w, SocketAddrs.parse("[::1]:4433"))));
        // An IPv4-mapped IPv6 address stays IPv6, as in Rust.
        assertEquals("0100000000000000000000ffff0102030400", hex(w -> EndpointAddr.writeSocketAddr(w, SocketAddrs.parse("[::ffff:1.2.3.4]:0"))));
    }

    /** IR@v1.0.2 derived Ord: Relay < Ip < Custom; SocketAddr V4 < V6, then bytes, then port. */
    @Test
    void encodesInRustSetOrder() {
        EndpointAddr addr = EndpointAddr.builder(AE58)
                .customAddr(CustomAddr.of(1, new byte[] {(byte) 0xa1}))
                .ipAddr(SocketAddrs.parse("[::]:1"))
                .ipAddr(SocketAddrs.parse("255.255.255.255:1"))
                .ipAddr(SocketAddrs.parse("1.2.3.4:443"))
                .ipAddr(SocketAddrs.parse("1.2.3.4:80"))
                .ipAddr(SocketAddrs.parse("1.2.3.4:80"))
                .relayUrl(RelayUrl.parse("https://b/"))
                .relayUrl(RelayUrl.parse("http://derp.me."))
                .build();
        List<String> order = new ArrayList<>();
        addr.ipAddrs().forEach(a -> order.add(SocketAddrs.format(a)));
        assertEquals(List.of("1.2.3.4:80", "1.2.3.4:443", "255.255.255.255:1", "[::]:1"), order);
        assertEquals("http://derp.me./", addr.relayUrl().orElseThrow().toString());
        String expected = "00" + AE58 + "07"
                + "00 10" + DERP_ME + "00 0a" + hexOf("https://b/")
                + "01 00 01020304 50" + "01 00 01020304 bb03" + "01 00 ffffffff 01" + "01 01 00000000000000000000000000000000 01"
                + "02 01 00 01 a1" + "00".repeat(29);
        assertEquals(expected.replace(" ", ""), Hex.encode(new EndpointTicket(addr).toBytes()));
    }

    @Test
    void customAddrsKeepInlineAndHeapForms() throws Exception {
        CustomAddr small = CustomAddr.of(42, new byte[] {1, 2});
        CustomAddr big = CustomAddr.of(-1L, new byte[31]);
        assertEquals("2a_0102", small.toString());
        assertEquals(("2a 00 02 0102" + "00".repeat(28)).replace(" ", ""), hex(w -> writeCustom(w, small)));
        assertEquals(("ffffffffffffffffff01 01 1f" + "00".repeat(31)).replace(" ", ""), hex(w -> writeCustom(w, big)));
        // Inline sorts before heap for the same id; ids compare unsigned.
        assertTrue(CustomAddr.of(7, new byte[30]).compareTo(CustomAddr.of(7, new byte[31])) < 0);
        assertTrue(CustomAddr.of(1, new byte[0]).compareTo(CustomAddr.of(-1L, new byte[0])) < 0);
        // Inline compares size first: [9] < [0, 0].
        assertTrue(CustomAddr.of(1, new byte[] {9}).compareTo(CustomAddr.of(1, new byte[2])) < 0);
        // A received inline array with a dirty tail survives a round trip.
        byte[] dirty = Hex.decode("02" + "00" + "01" + "aa" + "bb".repeat(29));
        PostcardReader r = new PostcardReader(dirty);
        CustomAddr c = CustomAddr.readFrom(r);
        assertArrayEquals(new byte[] {(byte) 0xaa}, c.data());
        PostcardWriter w = new PostcardWriter();
        c.writeTo(w);
        assertArrayEquals(dirty, w.toByteArray());
        assertThrows(PostcardException.class, () -> CustomAddr.readFrom(new PostcardReader(Hex.decode("02001f" + "00".repeat(30)))));
    }

    @Test
    void decodingAcceptsAnyOrderAndDuplicatesLikeRustsSetDeserializer() throws Exception {
        String unsorted = "00" + AE58 + "03" + "01 00 7f000001 8008" + "00 10" + DERP_ME + "01 00 7f000001 8008";
        EndpointTicket t = EndpointTicket.fromBytes(Hex.decode(unsorted.replace(" ", "")));
        assertEquals(1, t.addr().ipAddrs().size());
        assertEquals("00" + AE58 + "02" + "0010" + DERP_ME + "01007f0000018008", Hex.encode(t.toBytes()));
    }

    @Test
    void nodeAddrKeepsOneRelayAndNoCustomAddrs() {
        EndpointAddr addr = EndpointAddr.builder(AE58)
                .relayUrl(RelayUrl.parse("http://derp.me./")).relayUrl(RelayUrl.parse("https://z/"))
                .customAddr(CustomAddr.of(1, new byte[1]))
                .ipAddr(SocketAddrs.parse("127.0.0.1:1024"))
                .build();
        String h = hex(addr::writeNodeAddrTo);
        assertEquals(AE58 + "0110" + DERP_ME + "01007f0000018008", h);
        assertEquals(EndpointAddr.of(AE58, RelayUrl.parse("http://derp.me./"), List.of(SocketAddrs.parse("127.0.0.1:1024"))), addr.asNodeAddr());
        assertEquals(AE58 + "0000", hex(EndpointAddr.of(AE58)::writeNodeAddrTo));
    }

    @Test
    void rejectsMalformedAddresses() {
        assertDecodeFails("00" + AE58 + "01" + "03 0000", "unknown transport address type 3");
        assertDecodeFails("00" + AE58 + "01" + "01 02 7f000001 8008", "unknown socket address type 2");
        assertDecodeFails("00" + AE58 + "01" + "00 06" + hexOf("ftp://"), "invalid relay URL");
        assertDecodeFails("00" + "02" + "00".repeat(31) + "00", "not a valid Ed25519");
        assertDecodeFails("00" + AE58 + "ff ff ff ff 0f", "exceeds");
        assertDecodeFails("00" + AE58 + "01" + "01 00 7f000001 808004", "overflows");
    }

    /** Mutated and truncated tickets either decode to something that re-encodes stably or raise PostcardException. */
    @Test
    void fuzzedBytesFailCleanlyOrRoundTrip() throws Exception {
        EndpointAddr addr = EndpointAddr.builder(AE58)
                .relayUrl(RelayUrl.parse("http://derp.me./"))
                .ipAddr(SocketAddrs.parse("127.0.0.1:1024")).ipAddr(SocketAddrs.parse("[::1]:4433"))
                .customAddr(CustomAddr.of(5, new byte[] {1, 2, 3}))
                .build();
        byte[][] seeds = {new EndpointTicket(addr).toBytes(), new NodeTicket(addr).toBytes()};
        Random rnd = new Random(6);
        int decoded = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] seed = seeds[i % 2];
            byte[] b = mutate(seed, rnd);
            try {
                if (i % 2 == 0) {
                    EndpointTicket t = EndpointTicket.fromBytes(b);
                    assertEquals(t, EndpointTicket.fromBytes(t.toBytes()));
                } else {
                    NodeTicket t = NodeTicket.fromBytes(b);
                    assertEquals(t, NodeTicket.fromBytes(t.toBytes()));
                }
                decoded++;
            } catch (PostcardException expected) {
                // clean rejection
            }
        }
        assertTrue(decoded > 25, "some mutations stay valid: " + decoded);
    }

    static byte[] mutate(byte[] seed, Random rnd) {
        byte[] b = seed.clone();
        switch (rnd.nextInt(4)) {
            case 0:
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                break;
            case 1:
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                break;
            case 2: {
                int at = 33 + rnd.nextInt(b.length - 33);
                byte[] n = new byte[b.length + 1];
                System.arraycopy(b, 0, n, 0, at);
                n[at] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, n, at + 1, b.length - at);
                b = n;
                break;
            }
            default:
                for (int k = 0; k < 3; k++) {
                    b[33 + rnd.nextInt(b.length - 33)] ^= (byte) (1 << rnd.nextInt(8));
                }
        }
        return b;
    }

    private static void assertDecodeFails(String h, String part) {
        PostcardException e = assertThrows(PostcardException.class, () -> EndpointTicket.fromBytes(Hex.decode(h.replace(" ", ""))));
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }

    private static void writeCustom(PostcardWriter w, CustomAddr c) {
        c.writeTo(w);
    }

    private static String hexOf(String s) {
        return Hex.encode(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String hex(java.util.function.Consumer<PostcardWriter> f) {
        PostcardWriter w = new PostcardWriter();
        f.accept(w);
        return Hex.encode(w.toByteArray());
    }

}
