package com.kafkaconnectiroh.connect.sink;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The bytes of a record's parts as the converters left them: {@code byte[]} (ByteArrayConverter) and
 * {@code ByteBuffer} as they are, strings (StringConverter) as UTF-8. Structured values (JsonConverter, Avro) have
 * no one byte form, so a value of another type is a bad record; keys and headers of other types travel as their
 * Connect string form ({@link Values#convertToString}), which is what the SimpleHeaderConverter writes too.
 */
final class RecordBytes {
    private RecordBytes() {
    }

    /** The value, or null for a tombstone. */
    static byte[] value(SinkRecord r) throws BadRecordException {
        Object v = r.value();
        if (v == null) {
            return null;
        }
        byte[] b = plain(v);
        if (b == null) {
            throw new BadRecordException("the record value is a " + v.getClass().getSimpleName() + "; gossip carries bytes: "
                    + "use value.converter=org.apache.kafka.connect.converters.ByteArrayConverter (or StringConverter)");
        }
        return b;
    }

    static byte[] key(SinkRecord r) {
        return any(r.key(), r.keySchema());
    }

    /** Headers in order, without the connectors' own {@code iroh.*} ones. */
    static List<com.kafkaconnectiroh.p2p.envelope.Envelope.Header> headers(SinkRecord r) {
        List<com.kafkaconnectiroh.p2p.envelope.Envelope.Header> out = new ArrayList<>();
        for (Header h : r.headers()) {
            if (com.kafkaconnectiroh.connect.common.BridgeHeaders.isBridgeHeader(h.key())) {
                continue;
            }
            out.add(new com.kafkaconnectiroh.p2p.envelope.Envelope.Header(h.key(), any(h.value(), h.schema())));
        }
        return out;
    }

    private static byte[] plain(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof ByteBuffer bb) {
            ByteBuffer d = bb.duplicate();
            byte[] out = new byte[d.remaining()];
            d.get(out);
            return out;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    private static byte[] any(Object v, Schema schema) {
        if (v == null) {
            return null;
        }
        byte[] b = plain(v);
        return b != null ? b : Values.convertToString(schema, v).getBytes(StandardCharsets.UTF_8);
    }
}
