package com.kafkaconnectiroh.connect.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class GossipRecordMapperTest {
    static final TopicId TOPIC = TopicId.fromName("chat");
    static final SecretKey FROM = SecretKey.generate();

    static IrohSourceConfig config(String... kv) {
        Map<String, String> p = new HashMap<>(Map.of("name", "t", "gossip.topics", "chat"));
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return new IrohSourceConfig(p);
    }

    static Map<String, Object> headers(SourceRecord r) {
        Map<String, Object> out = new HashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value());
        }
        return out;
    }

    @Test
    void aPlainMessageIsTheValueKeyedByItsMessageId() {
        byte[] content = "hello".getBytes(UTF_8);
        ReceivedMessage m = ReceivedMessage.of(TOPIC, content, FROM.publicKey());
        SourceRecord r = new GossipRecordMapper(config()).plain(m);
        assertEquals("iroh.gossip." + TOPIC, r.topic());
        assertArrayEquals(content, (byte[]) r.value());
        assertArrayEquals(Hash.of(content).toBytes(), (byte[]) r.key());
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, r.valueSchema());
        assertNull(r.sourcePartition());
        assertNull(r.sourceOffset());
        Map<String, Object> h = headers(r);
        assertEquals(TOPIC.toString(), h.get("iroh.gossip.topic"));
        assertEquals(FROM.publicKey().toString(), h.get("iroh.gossip.from"));
        assertEquals(Hash.of(content).toHex(), h.get("iroh.gossip.message.id"));
        assertEquals("message", h.get("iroh.value.kind"));

        assertArrayEquals(TOPIC.toBytes(), (byte[]) new GossipRecordMapper(config("record.key", "topic")).plain(m).key());
        assertNull(new GossipRecordMapper(config("record.key", "none")).plain(m).key());
        assertEquals("all-in-one", new GossipRecordMapper(config("kafka.topic", "all-in-one")).plain(m).topic());
    }

    @Test
    void anEnvelopeKeepsItsKeyHeadersOriginAndTimestampButNotForeignBridgeHeaders() {
        Envelope e = new Envelope("k".getBytes(UTF_8), List.of(
                new Envelope.Header("text", "v".getBytes(UTF_8)),
                new Envelope.Header("binary", new byte[] {(byte) 0xff, 0}),
                new Envelope.Header("nothing", null),
                new Envelope.Header("iroh.gossip.topic", "spoofed".getBytes(UTF_8))),
                new Envelope.Origin("orders", 4, 77, 1_700_000_000_000L), new Envelope.Inline("value".getBytes(UTF_8)));
        ReceivedMessage m = ReceivedMessage.of(TOPIC, new byte[] {1}, FROM.publicKey());
        SourceRecord r = new GossipRecordMapper(config()).envelope(m, e, ResolvedValue.inline("value".getBytes(UTF_8)));
        assertArrayEquals("k".getBytes(UTF_8), (byte[]) r.key());
        assertArrayEquals("value".getBytes(UTF_8), (byte[]) r.value());
        assertEquals(1_700_000_000_000L, r.timestamp());
        Map<String, Object> h = headers(r);
        assertEquals("v", h.get("text"));
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, (byte[]) h.get("binary"));
        assertTrue(h.containsKey("nothing") && h.get("nothing") == null);
        assertEquals(TOPIC.toString(), h.get("iroh.gossip.topic"), "ours, not the envelope's");
        assertEquals("orders", h.get("iroh.origin.topic"));
        assertEquals("4", h.get("iroh.origin.partition"));
        assertEquals("77", h.get("iroh.origin.offset"));
        assertEquals("inline", h.get("iroh.value.kind"));
    }

    @Test
    void aBlobIsItsContentOrElseItsTicket() {
        EndpointAddr provider = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(new InetSocketAddress("10.0.0.1", 4450)));
        byte[] content = "blob content".getBytes(UTF_8);
        BlobRef ref = new BlobRef(HashAndFormat.raw(Hash.of(content)), content.length, List.of(provider));
        Envelope e = Envelope.of(new Envelope.Blob(ref));
        ReceivedMessage m = ReceivedMessage.of(TOPIC, new byte[] {1}, FROM.publicKey());
        GossipRecordMapper mapper = new GossipRecordMapper(config());

        SourceRecord fetched = mapper.envelope(m, e, ResolvedValue.fetched(ref, content));
        assertArrayEquals(content, (byte[]) fetched.value());
        Map<String, Object> h = headers(fetched);
        assertEquals("blob", h.get("iroh.value.kind"));
        assertEquals(Hash.of(content).toHex(), h.get("iroh.blob.hash"));
        assertEquals("raw", h.get("iroh.blob.format"));
        assertEquals(Integer.toString(content.length), h.get("iroh.blob.size"));
        BlobTicket t = BlobTicket.parse((String) h.get("iroh.blob.ticket"));
        assertEquals(provider, t.provider());

        SourceRecord ref2 = mapper.envelope(m, e, ResolvedValue.reference(ref, "too big"));
        assertEquals(h.get("iroh.blob.ticket"), new String((byte[]) ref2.value(), UTF_8));
        assertEquals("blob-ticket", headers(ref2).get("iroh.value.kind"));
        assertEquals("too big", headers(ref2).get("iroh.blob.error"));

        SourceRecord tomb = mapper.envelope(m, Envelope.of(Envelope.ABSENT), ResolvedValue.none());
        assertNull(tomb.value());
        assertEquals("none", headers(tomb).get("iroh.value.kind"));
    }
}
