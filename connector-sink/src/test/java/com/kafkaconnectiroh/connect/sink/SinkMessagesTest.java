package com.kafkaconnectiroh.connect.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class SinkMessagesTest {
    static final EndpointAddr SELF = EndpointAddr.of(SecretKey.generate().publicKey());
    static final int MAX = 4023;

    /** Blob adds recorded, references pointing at us. */
    static final class Blobs implements SinkMessages.BlobSink {
        final List<byte[]> added = new ArrayList<>();

        @Override
        public BlobRef add(byte[] content) {
            added.add(content);
            return new BlobRef(HashAndFormat.raw(Hash.of(content)), content.length, List.of(SELF));
        }
    }

    static SinkRecord record(Object key, Object value, ConnectHeaders headers) {
        return new SinkRecord("orders", 3, Schema.OPTIONAL_BYTES_SCHEMA, key, null, value, 42, 1_700_000_000_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, headers);
    }

    @Test
    void rawSendsTheValueBytesAndSkipsTombstones() throws Exception {
        SinkMessages m = new SinkMessages(IrohSinkConfig.Format.RAW, 4000, MAX);
        Blobs blobs = new Blobs();
        SinkMessages.Send s = assertInstanceOf(SinkMessages.Send.class,
                m.build(record(null, "text".getBytes(UTF_8), new ConnectHeaders()), blobs));
        assertArrayEquals("text".getBytes(UTF_8), s.message());
        assertArrayEquals("a string".getBytes(UTF_8), ((SinkMessages.Send) m.build(record(null, "a string",
                new ConnectHeaders()), blobs)).message());
        assertInstanceOf(SinkMessages.Skip.class, m.build(record("k", null, new ConnectHeaders()), blobs));
        assertTrue(blobs.added.isEmpty());
    }

    @Test
    void valuesAboveTheThresholdOrTheLimitTravelAsBlobs() throws Exception {
        Blobs blobs = new Blobs();
        byte[] mid = new byte[3000];
        SinkMessages low = new SinkMessages(IrohSinkConfig.Format.RAW, 2000, MAX);
        SinkMessages.Send s = (SinkMessages.Send) low.build(record(null, mid, new ConnectHeaders()), blobs);
        Envelope e = ((Message.Full) EnvelopeCodec.decode(s.message())).envelope();
        assertEquals(Hash.of(mid), ((Envelope.Blob) e.payload()).ref().content().hash());
        assertEquals(1, blobs.added.size());

        SinkMessages noThreshold = new SinkMessages(IrohSinkConfig.Format.ENVELOPE, -1, MAX);
        assertThrows(BadRecordException.class, () -> noThreshold.build(record(null, new byte[MAX + 1],
                new ConnectHeaders()), blobs));
        // Envelope overhead pushes a value that fits alone over the limit: it moves to a blob.
        SinkMessages env = new SinkMessages(IrohSinkConfig.Format.ENVELOPE, 1 << 20, MAX);
        SinkMessages.Send big = (SinkMessages.Send) env.build(record("key", new byte[MAX - 5], new ConnectHeaders()),
                blobs);
        assertTrue(big.message().length <= MAX);
        assertInstanceOf(Envelope.Blob.class, ((Message.Full) EnvelopeCodec.decode(big.message())).envelope().payload());
    }

    @Test
    void envelopesCarryKeyHeadersOriginAndLongHeadersMoveTheWholeEnvelopeIntoABlob() throws Exception {
        Blobs blobs = new Blobs();
        SinkMessages m = new SinkMessages(IrohSinkConfig.Format.ENVELOPE, 4000, MAX);
        ConnectHeaders h = new ConnectHeaders();
        h.addString("trace", "abc");
        h.addInt("retries", 3);
        h.addString("iroh.gossip.topic", "ours, not forwarded");
        SinkMessages.Send s = (SinkMessages.Send) m.build(record("key-1", "v".getBytes(UTF_8), h), blobs);
        Envelope e = ((Message.Full) EnvelopeCodec.decode(s.message())).envelope();
        assertArrayEquals("key-1".getBytes(UTF_8), e.key());
        assertEquals(List.of(new Envelope.Header("trace", "abc".getBytes(UTF_8)),
                new Envelope.Header("retries", "3".getBytes(UTF_8))), e.headers());
        assertEquals(new Envelope.Origin("orders", 3, 42, 1_700_000_000_000L), e.origin());
        assertEquals(new Envelope.Inline("v".getBytes(UTF_8)), e.payload());

        SinkMessages.Send tomb = (SinkMessages.Send) m.build(record("gone", null, new ConnectHeaders()), blobs);
        assertEquals(Envelope.ABSENT, ((Message.Full) EnvelopeCodec.decode(tomb.message())).envelope().payload());

        ConnectHeaders huge = new ConnectHeaders();
        huge.addString("big", "h".repeat(5000));
        SinkMessages.Send ind = (SinkMessages.Send) m.build(record("k", "v".getBytes(UTF_8), huge), blobs);
        Message.Indirect i = assertInstanceOf(Message.Indirect.class, EnvelopeCodec.decode(ind.message()));
        byte[] stored = blobs.added.get(blobs.added.size() - 1);
        assertEquals(Hash.of(stored), i.envelopeBlob().content().hash());
        assertEquals("h".repeat(5000), new String(EnvelopeCodec.decodeStored(stored).headers().get(0).value(), UTF_8));
    }

    @Test
    void structuredValuesAreBadRecordsAndTicketsFromOurSourceBecomeReferences() throws Exception {
        SinkMessages m = new SinkMessages(IrohSinkConfig.Format.RAW, 4000, MAX);
        Schema schema = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
        BadRecordException e = assertThrows(BadRecordException.class, () -> m.build(record(null,
                new Struct(schema).put("a", 1), new ConnectHeaders()), new Blobs()));
        assertTrue(e.getMessage().contains("ByteArrayConverter"), e.getMessage());
        assertThrows(BadRecordException.class, () -> m.build(record(null, Map.of("a", 1), new ConnectHeaders()),
                new Blobs()));

        EndpointAddr origin = EndpointAddr.of(SecretKey.generate().publicKey());
        BlobTicket t = new BlobTicket(origin, HashAndFormat.raw(Hash.of(new byte[] {1, 2})));
        ConnectHeaders h = new ConnectHeaders();
        h.addString("iroh.value.kind", "blob-ticket");
        h.addString("iroh.blob.size", "2");
        Blobs blobs = new Blobs();
        SinkMessages.Send s = (SinkMessages.Send) m.build(record(null, t.toString().getBytes(UTF_8), h), blobs);
        BlobRef ref = ((Envelope.Blob) ((Message.Full) EnvelopeCodec.decode(s.message())).envelope().payload()).ref();
        assertEquals(t.content(), ref.content());
        assertEquals(List.of(origin), ref.providers(), "fetched from where it is, not copied here");
        assertEquals(2, ref.size());
        assertTrue(blobs.added.isEmpty());
        assertNull(null);
    }
}
