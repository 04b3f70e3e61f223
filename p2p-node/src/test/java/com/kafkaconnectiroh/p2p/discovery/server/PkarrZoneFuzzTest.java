package com.kafkaconnectiroh.p2p.discovery.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsException;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DNS server's zone is the part strangers' bytes reach: whatever arrives (mutated queries, truncated ones, random
 * bytes), it answers with a well-formed message or not at all, and never throws.
 */
class PkarrZoneFuzzTest {

    @Test
    void mutatedAndRandomQueriesGetAWellFormedAnswerOrNone() throws Exception {
        PacketStore store = new PacketStore(16, Long.MAX_VALUE);
        SecretKey k = SecretKey.generate();
        store.upsert(new IrohRecord(k.publicKey(), List.of(RelayUrl.parse("https://relay.example.org/")),
                List.of(SocketAddrs.parse("192.0.2.1:1")), Optional.of("u")).sign(k, Timestamps.nowMicros(), 30), 0);
        PkarrZone zone = new PkarrZone(List.of("dns.iroh.link", ""), store);
        String name = "_iroh." + k.publicKey().toZ32() + ".dns.iroh.link";
        byte[] base = DnsMessage.query(7, DnsMessage.FLAG_RECURSION_DESIRED,
                new DnsMessage.Question(name, DnsRecord.TYPE_TXT, DnsRecord.CLASS_IN)).encode(false);

        byte[] good = zone.answer(base, base.length, true, 1).orElseThrow();
        assertEquals(3, DnsMessage.decode(good).answers().size());

        Random rnd = new Random(16);
        int answered = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] q;
            if (i % 10 == 0) {
                q = new byte[rnd.nextInt(64)];
                rnd.nextBytes(q);
            } else {
                q = base.clone();
                for (int j = 1 + rnd.nextInt(4); j > 0; j--) {
                    q[rnd.nextInt(q.length)] = (byte) rnd.nextInt();
                }
            }
            int len = i % 7 == 0 ? rnd.nextInt(q.length + 1) : q.length;
            Optional<byte[]> a = zone.answer(q, len, i % 2 == 0, 1);
            if (a.isPresent()) {
                answered++;
                DnsMessage m;
                try {
                    m = DnsMessage.decode(a.get());
                } catch (DnsException e) {
                    throw new AssertionError("malformed answer to query " + i + ": " + e.getMessage(), e);
                }
                assertTrue(m.isResponse());
                assertTrue(i % 2 != 0 || a.get().length <= PkarrZone.EDNS_UDP_LIMIT, "UDP answer of " + a.get().length);
            }
        }
        assertTrue(answered > 1000, "answered only " + answered);
    }
}
