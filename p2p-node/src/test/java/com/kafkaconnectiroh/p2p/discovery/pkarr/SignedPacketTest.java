package com.kafkaconnectiroh.p2p.discovery.pkarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * pkarr signed packets as iroh writes them, checked byte for byte against the zero-seed vector of the wire map
 * and both ways against independent implementations (node:crypto + npm dns-packet, and npm pkarr 1.3.0).
 */
class SignedPacketTest {
    static final SecretKey ZERO = SecretKey.fromBytes(new byte[32]);
    static final String ZERO_SEED = "00".repeat(32);
    static final long TS = 1_700_000_000_000_000L;
    /** Seed 0³², ts 1700000000000000, relay=https://relay.example.org/, addr=192.0.2.1:4433, TTL 30 (IROH-WIRE-MAP-DISCOVERY §9). */
    static final String ZERO_VECTOR = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
            + "933139a5df7529f1c89546f71dd716283e040b5c198b99f04d2eeac589a04487b0391ccfccd1fa3d6191ca645636ea9680ff9ac703a4bf6a74df08d8f9b0ad09"
            + "00060a24181e4000"
            + "000080000000000200000000"
            + "055f69726f6834" + Hex.encode("8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo".getBytes()) + "00"
            + "001000010000001e0021" + "20" + Hex.encode("relay=https://relay.example.org/".getBytes())
            + "c00c001000010000001e0014" + "13" + Hex.encode("addr=192.0.2.1:4433".getBytes());

    static IrohRecord zeroRecord() {
        return new IrohRecord(ZERO.publicKey(), List.of(RelayUrl.parse("https://relay.example.org")),
                List.of(SocketAddrs.parse("192.0.2.1:4433")), Optional.empty());
    }

    @Test
    void zeroSeedPacketIsByteIdenticalToTheVectorIncludingNameCompression() throws Exception {
        SignedPacket p = zeroRecord().sign(ZERO, TS, IrohRecord.DEFAULT_TTL);
        assertEquals(ZERO_VECTOR, Hex.encode(p.toBytes()));
        assertEquals(251, p.length());
        assertEquals("8pinxxgqs41n4aididenw5apqp1urfmzdztr8jt4abrkdn435ewo", ZERO.publicKey().toZ32());
        assertEquals(p, SignedPacket.fromBytes(Hex.decode(ZERO_VECTOR)));
    }

    @Test
    void z32MatchesIrohsVectorAndIsLowercaseOnly() {
        EndpointId id = EndpointId.fromBytes(Hex.decode("1992d53c02cdc04566e5c0edb1ce83305cd550297953a047a445ea3264b54b18"));
        assertEquals("dgjpkxyn3zyrk3zfads5duwdgbqpkwbjxfj4yt7rezidr3fijccy", id.toZ32());
        assertEquals(id, EndpointId.fromZ32(id.toZ32()));
        assertThrows(IllegalArgumentException.class, () -> EndpointId.fromZ32(id.toZ32().toUpperCase()));
        // the last character carries one bit and four zero bits: a non-zero tail is another text for the same bytes
        assertThrows(IllegalArgumentException.class, () -> EndpointId.fromZ32(id.toZ32().substring(0, 51) + "n"));
    }

    @Test
    void ourPacketsVerifyWithNodeCryptoAndPkarrJs() throws Exception {
        SecretKey key = SecretKey.generate();
        IrohRecord rec = new IrohRecord(key.publicKey(), List.of(RelayUrl.parse("https://euw1-1.relay.example.net./")),
                List.of(SocketAddrs.parse("[2001:db8::7]:1234"), SocketAddrs.parse("10.1.2.3:55"),
                        new InetSocketAddress("127.0.0.1", 9)), Optional.of("hello world"));
        long ts = Timestamps.nowMicros();
        SignedPacket p = rec.sign(key, ts, 30);
        for (SignedPacket packet : List.of(p, zeroRecord().sign(ZERO, TS, 30))) {
            JsonNode v = Oracle.run("pkarr.mjs", "verify", Hex.encode(packet.toBytes()));
            assertTrue(v.get("crypto").asBoolean(), v.toString());
            assertEquals("ok", v.get("pkarr").asText(), v.toString());
            assertEquals(packet.publicKey().toZ32(), v.get("z32").asText());
            assertEquals(Long.toString(packet.timestampMicros()), v.get("ts").asText());
            List<String> txt = new ArrayList<>();
            for (JsonNode a : v.get("answers")) {
                assertEquals("_iroh." + packet.publicKey().toZ32(), a.get("name").asText());
                assertEquals("TXT", a.get("type").asText());
                assertEquals(30, a.get("ttl").asInt());
                assertEquals(1, a.get("data").size(), "one character-string per record");
                txt.add(a.get("data").get(0).asText());
            }
            assertEquals(IrohRecord.fromSignedPacket(packet).txtStrings(), txt);
        }
        assertEquals(List.of("relay=https://euw1-1.relay.example.net./", "addr=10.1.2.3:55", "addr=127.0.0.1:9",
                "addr=[2001:db8::7]:1234", "user-data=hello world"), rec.txtStrings());
    }

    @Test
    void theirPacketsVerifyWithOursIncludingTheZeroKey() throws Exception {
        SecretKey key = SecretKey.generate();
        for (String signer : List.of("sign", "pkarr-sign")) {
            for (SecretKey k : List.of(ZERO, key)) {
                String seed = Hex.encode(k.toBytes());
                JsonNode s = Oracle.run("pkarr.mjs", signer, seed, "1700000000000123", "30",
                        "relay=https://relay.example.org/", "addr=192.0.2.1:4433", "addr=[::1]:7", "user-data=x");
                SignedPacket p = SignedPacket.fromBytes(Hex.decode(s.get("packet").asText()));
                assertEquals(k.publicKey(), p.publicKey());
                assertEquals(1_700_000_000_000_123L, p.timestampMicros());
                IrohRecord r = IrohRecord.fromSignedPacket(p);
                assertEquals(List.of(RelayUrl.parse("https://relay.example.org/")), r.relayUrls(), signer);
                assertEquals(List.of(SocketAddrs.parse("192.0.2.1:4433"), SocketAddrs.parse("[::1]:7")), r.ipAddrs());
                assertEquals(Optional.of("x"), r.userData());
                // dns-packet never compresses: the same record signed by us differs only in the DNS bytes
                assertTrue(p.dnsBytes().length > r.dnsPacket(30).length, signer);
                assertEquals(p, SignedPacket.fromRelayPayload(k.publicKey(), p.relayPayload()));
            }
        }
    }

    @Test
    void hostilePacketsAreRefused() throws Exception {
        byte[] good = Hex.decode(ZERO_VECTOR);
        // a flipped signature bit
        byte[] badSig = good.clone();
        badSig[40] ^= 1;
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(badSig));
        // a flipped bit in the signed DNS bytes, or the timestamp
        byte[] badDns = good.clone();
        badDns[good.length - 1] ^= 1;
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(badDns));
        byte[] badTs = good.clone();
        badTs[103] ^= 1;
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(badTs));
        // too short, too long (1105 bytes), not a key
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(new byte[103]));
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(new byte[SignedPacket.MAX_BYTES + 1]));
        assertThrows(IllegalArgumentException.class, () -> SignedPacket.sign(ZERO, TS, new byte[1001]));
        assertThrows(PkarrException.class, () -> SignedPacket.fromRelayPayload(ZERO.publicKey(), new byte[1073]));
        // properly signed garbage DNS: refused by us and by pkarr-js
        SignedPacket.sign(ZERO, TS, new DnsRecordsForTest().empty()); // an empty reply is fine
        byte[] garbage = Hex.decode("0000800000000001000000");
        byte[] signed = signedBy(ZERO, TS, garbage);
        assertThrows(PkarrException.class, () -> SignedPacket.fromBytes(signed));
        JsonNode v = Oracle.run("pkarr.mjs", "verify", Hex.encode(signed));
        assertTrue(v.get("crypto").asBoolean());
        assertFalse(v.get("pkarr").asText().equals("ok"));
        // foreign TXT keys, signed by an independent implementation: the packet is valid, the iroh record is not
        JsonNode foreign = Oracle.run("pkarr.mjs", "sign", ZERO_SEED, "1700000000000000", "30",
                "addr=192.0.2.1:4433", "evil=1");
        SignedPacket fp = SignedPacket.fromBytes(Hex.decode(foreign.get("packet").asText()));
        PkarrException e = assertThrows(PkarrException.class, () -> IrohRecord.fromSignedPacket(fp));
        assertTrue(e.getMessage().contains("unknown key 'evil'"), e.getMessage());
        JsonNode noEq = Oracle.run("pkarr.mjs", "sign", ZERO_SEED, "1700000000000000", "30", "addr");
        assertThrows(PkarrException.class,
                () -> IrohRecord.fromSignedPacket(SignedPacket.fromBytes(Hex.decode(noEq.get("packet").asText()))));
        // an older sequence never replaces a newer one; equal times order by the DNS bytes
        SignedPacket newer = zeroRecord().sign(ZERO, TS + 1, 30);
        SignedPacket older = zeroRecord().sign(ZERO, TS, 30);
        assertTrue(newer.moreRecentThan(older));
        assertFalse(older.moreRecentThan(newer));
        assertFalse(older.moreRecentThan(older));
    }

    @Test
    void timestampsStrictlyIncrease() {
        long last = Timestamps.nowMicros();
        for (int i = 0; i < 10_000; i++) {
            long t = Timestamps.nowMicros();
            assertTrue(t > last);
            last = t;
        }
        assertTrue(Math.abs(last / 1000 - System.currentTimeMillis()) < 60_000);
    }

    static byte[] signedBy(SecretKey k, long ts, byte[] dns) {
        byte[] sig = k.sign(SignedPacket.signable(ts, dns));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(104 + dns.length);
        b.put(k.publicKey().toBytes()).put(sig).putLong(ts).put(dns);
        return b.array();
    }

    /** An empty pkarr reply, as iroh 1.x publishes with relays off and no addresses. */
    static final class DnsRecordsForTest {
        byte[] empty() {
            return new IrohRecord(ZERO.publicKey(), List.of(), List.of(), Optional.empty()).dnsPacket(30);
        }
    }

    @Test
    void userDataAndValuesWithEqualsFollowIroh() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new IrohRecord(ZERO.publicKey(), List.of(), List.of(),
                Optional.of("x".repeat(246))));
        IrohRecord r = IrohRecord.fromTxtStrings(ZERO.publicKey(), List.of("user-data=a=b", "addr=not-an-addr"));
        assertEquals(Optional.of("a"), r.userData(), "iroh keeps the first two pieces of a split at '='");
        assertTrue(r.ipAddrs().isEmpty());
        assertArrayEquals(Hex.decode("000080000000000000000000"), new DnsRecordsForTest().empty());
    }
}
