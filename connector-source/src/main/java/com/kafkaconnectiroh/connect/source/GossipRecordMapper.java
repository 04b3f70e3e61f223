package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.BridgeHeaders;
import com.kafkaconnectiroh.connect.common.BridgeHeaders.ValueKind;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns received gossip messages into {@link SourceRecord}s, the layout of docs/connectors.md ("Records"): value =
 * the message (or the envelope's value), key per {@code record.key} (or the envelope's key), headers with the iroh
 * metadata. Pure: no I/O, no clock, so it is tested alone.
 *
 * <p>Gossip cannot be replayed, so records carry no source partition or offset.
 */
final class GossipRecordMapper {
    private final IrohSourceConfig config;
    /** Hex forms and Kafka topic names, made once per topic and peer rather than per record. */
    private final java.util.Map<TopicId, String[]> topicText = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<com.kafkaconnectiroh.p2p.base.EndpointId, String> peerText =
            new java.util.concurrent.ConcurrentHashMap<>();

    GossipRecordMapper(IrohSourceConfig config) {
        this.config = config;
    }

    /** [hex id, Kafka topic]. */
    private String[] topicText(TopicId t) {
        return topicText.computeIfAbsent(t, k -> new String[] {k.toString(), config.kafkaTopic(k)});
    }

    /** A message that is not an envelope (or {@code blob.fetch=none}): its bytes are the value. */
    SourceRecord plain(ReceivedMessage m) {
        ConnectHeaders h = gossipHeaders(m, ValueKind.MESSAGE);
        return record(m.topic(), plainKey(m), m.content(), null, h);
    }

    /**
     * A message that starts like an envelope but does not decode, written anyway (errors.tolerance=all): the raw
     * bytes, and why in {@code iroh.error}.
     */
    SourceRecord malformed(ReceivedMessage m, String why) {
        ConnectHeaders h = gossipHeaders(m, ValueKind.MESSAGE);
        h.addString(BridgeHeaders.ERROR, why);
        return record(m.topic(), plainKey(m), m.content(), null, h);
    }

    /** An envelope: its key, its headers (but ours), its origin, and the value as resolved. */
    SourceRecord envelope(ReceivedMessage m, Envelope e, ResolvedValue v) {
        ConnectHeaders h = gossipHeaders(m, v.kind());
        for (Envelope.Header eh : e.headers()) {
            if (BridgeHeaders.isBridgeHeader(eh.name())) {
                continue;
            }
            addHeader(h, eh.name(), eh.value());
        }
        Envelope.Origin o = e.origin();
        if (o != null) {
            h.addString(BridgeHeaders.ORIGIN_TOPIC, o.topic());
            h.addString(BridgeHeaders.ORIGIN_PARTITION, Integer.toString(o.partition()));
            h.addString(BridgeHeaders.ORIGIN_OFFSET, Long.toString(o.offset()));
        }
        byte[] value = v.bytes();
        if (v.blob() != null) {
            BlobRef ref = v.blob();
            String ticket = ticket(ref, m).toString();
            h.addString(BridgeHeaders.BLOB_HASH, ref.content().hash().toHex());
            h.addString(BridgeHeaders.BLOB_FORMAT, ref.content().format().isHashSeq() ? "hash-seq" : "raw");
            h.addString(BridgeHeaders.BLOB_SIZE, Long.toString(ref.size()));
            h.addString(BridgeHeaders.BLOB_TICKET, ticket);
            if (v.blobError() != null) {
                h.addString(BridgeHeaders.BLOB_ERROR, v.blobError());
            }
            if (v.kind() == ValueKind.BLOB_TICKET) {
                value = ticket.getBytes(StandardCharsets.UTF_8);
            }
        }
        return record(m.topic(), e.key(), value, o == null ? null : o.timestamp(), h);
    }

    /** A ticket for the first provider the reference names, else for the neighbor that delivered the message. */
    static BlobTicket ticket(BlobRef ref, ReceivedMessage m) {
        EndpointAddr provider = ref.providers().isEmpty() ? EndpointAddr.of(m.deliveredFrom()) : ref.providers().get(0);
        return new BlobTicket(provider, ref.content());
    }

    private byte[] plainKey(ReceivedMessage m) {
        return switch (config.recordKey()) {
            case MESSAGE_ID -> m.id().toBytes();
            case TOPIC -> m.topic().toBytes();
            case NONE -> null;
        };
    }

    private ConnectHeaders gossipHeaders(ReceivedMessage m, ValueKind kind) {
        ConnectHeaders h = new ConnectHeaders();
        h.addString(BridgeHeaders.GOSSIP_TOPIC, topicText(m.topic())[0]);
        h.addString(BridgeHeaders.GOSSIP_FROM, peerText.computeIfAbsent(m.deliveredFrom(), Object::toString));
        h.addString(BridgeHeaders.GOSSIP_MESSAGE_ID, m.id().toHex());
        h.addString(BridgeHeaders.VALUE_KIND, kind.text());
        return h;
    }

    /**
     * Header values travel as bytes in the envelope; text comes back as a string header (what the sink read from a
     * string header), anything else as bytes.
     */
    private static void addHeader(ConnectHeaders h, String name, byte[] value) {
        if (value == null) {
            h.add(name, null, Schema.OPTIONAL_STRING_SCHEMA);
            return;
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
            h.addString(name, text);
        } catch (CharacterCodingException e) {
            h.addBytes(name, value);
        }
    }

    private SourceRecord record(TopicId topic, byte[] key, byte[] value, Long timestamp, ConnectHeaders headers) {
        return new SourceRecord(null, null, topicText(topic)[1], null,
                Schema.OPTIONAL_BYTES_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, value, timestamp, headers);
    }
}
