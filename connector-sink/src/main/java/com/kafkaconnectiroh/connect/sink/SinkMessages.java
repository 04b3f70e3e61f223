package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.BridgeHeaders;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a record into the gossip message to broadcast (docs/connectors.md, "Messages"). Pure apart from the blob
 * store it is handed for values that travel as blobs.
 *
 * <ul>
 * <li>{@code raw}: the message is the value's bytes; a value that travels as a blob becomes an envelope with only
 *     the reference (a reference needs one).</li>
 * <li>{@code envelope}: key, headers (without {@code iroh.*}), origin coordinates and the value.</li>
 * <li>A value above {@code blob.threshold.bytes}, or whose message would exceed the gossip limit, is added to the
 *     blob store and referenced; an envelope whose key and headers alone exceed the limit is itself stored as a
 *     blob (envelope in a blob).</li>
 * <li>A record our source wrote with a blob ticket as its value ({@code iroh.value.kind=blob-ticket}) is sent on as
 *     the reference it stands for, not as the ticket's text: receivers fetch from the original provider.</li>
 * </ul>
 */
final class SinkMessages {
    /** What to broadcast for a record, or why not. */
    sealed interface Outgoing permits Send, Skip {
    }

    record Send(byte[] message, BlobRef blob) implements Outgoing {
    }

    record Skip(String why) implements Outgoing {
    }

    /** Adds content to the store and returns its reference. */
    interface BlobSink {
        BlobRef add(byte[] content) throws java.io.IOException;
    }

    private final IrohSinkConfig.Format format;
    private final long threshold;
    private final int maxMessage;

    SinkMessages(IrohSinkConfig.Format format, long threshold, int maxMessage) {
        this.format = format;
        this.threshold = threshold;
        this.maxMessage = maxMessage;
    }

    Outgoing build(SinkRecord r, BlobSink blobs) throws BadRecordException, java.io.IOException {
        byte[] value = RecordBytes.value(r);
        BlobRef forwarded = forwardedTicket(r, value);
        if (format == IrohSinkConfig.Format.RAW) {
            if (value == null) {
                return new Skip("a tombstone (null value) has no bytes to send in raw format");
            }
            if (forwarded == null && value.length <= maxMessage && (threshold < 0 || value.length <= threshold)) {
                return new Send(value, null);
            }
            BlobRef ref = forwarded != null ? forwarded : blob(r, value, blobs);
            return new Send(EnvelopeCodec.encode(Envelope.of(new Envelope.Blob(ref))), ref);
        }
        Envelope.Origin origin = new Envelope.Origin(r.originalTopic(), r.originalKafkaPartition(),
                r.originalKafkaOffset(), r.timestamp());
        List<Envelope.Header> headers = RecordBytes.headers(r);
        byte[] key = RecordBytes.key(r);
        Envelope.Payload payload;
        BlobRef ref = null;
        if (value == null) {
            payload = Envelope.ABSENT;
        } else if (forwarded != null) {
            ref = forwarded;
            payload = new Envelope.Blob(ref);
        } else if (threshold >= 0 && value.length > threshold) {
            ref = blob(r, value, blobs);
            payload = new Envelope.Blob(ref);
        } else {
            payload = new Envelope.Inline(value);
        }
        byte[] message = EnvelopeCodec.encode(new Envelope(key, headers, origin, payload));
        if (message.length > maxMessage && payload instanceof Envelope.Inline) {
            ref = blob(r, value, blobs);
            message = EnvelopeCodec.encode(new Envelope(key, headers, origin, new Envelope.Blob(ref)));
        }
        if (message.length > maxMessage) {
            // key and headers alone are too long: the whole envelope becomes a blob
            BlobRef whole = blobs.add(message);
            return new Send(EnvelopeCodec.encodeIndirect(whole), whole);
        }
        return new Send(message, ref);
    }

    private BlobRef blob(SinkRecord r, byte[] value, BlobSink blobs) throws BadRecordException, java.io.IOException {
        if (threshold < 0 && value.length > maxMessage) {
            throw new BadRecordException("value of " + value.length + " bytes does not fit a gossip message (at most "
                    + maxMessage + ") and blob.threshold.bytes=-1 turns blobs off");
        }
        return blobs.add(value);
    }

    /** A record our source wrote as a blob ticket: the reference it stands for, with the size the source saw. */
    private static BlobRef forwardedTicket(SinkRecord r, byte[] value) {
        Header kind = r.headers().lastWithName(BridgeHeaders.VALUE_KIND);
        if (value == null || kind == null || !BridgeHeaders.ValueKind.BLOB_TICKET.text().equals(String.valueOf(kind.value()))) {
            return null;
        }
        try {
            BlobTicket t = BlobTicket.parse(new String(value, StandardCharsets.UTF_8).trim());
            Header size = r.headers().lastWithName(BridgeHeaders.BLOB_SIZE);
            long n = size == null ? 0 : Long.parseLong(String.valueOf(size.value()));
            return new BlobRef(t.content(), n, List.of(t.provider()));
        } catch (IllegalArgumentException e) {
            return null; // not a ticket after all: send the value as it is
        }
    }
}
