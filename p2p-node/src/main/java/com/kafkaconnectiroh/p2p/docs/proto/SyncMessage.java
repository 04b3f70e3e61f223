package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A reconciliation message: a list of {@link MessagePart}s (iroh-docs {@code ranger::Message}; postcard
 * {@code Vec<MessagePart>}). A {@code RangeFingerprint} is {@code range ‖ fingerprint[32]}; a {@code RangeItem}
 * is {@code range ‖ Vec<(SignedEntry, ContentStatus)> ‖ have_local bool}.
 */
public record SyncMessage(List<MessagePart> parts) {
    /** The smallest encoding of a part: variant, two empty bounds, then 32 bytes or an empty list and a bool. */
    private static final int MIN_PART_BYTES = 5;
    /** The smallest encoding of a (SignedEntry, ContentStatus): two signatures, a 64-byte id, a record, a status. */
    private static final int MIN_VALUE_BYTES = 128 + 65 + 34 + 1;

    public SyncMessage {
        parts = List.copyOf(parts);
    }

    /** How many entries the message carries. */
    public int valueCount() {
        int n = 0;
        for (MessagePart p : parts) {
            if (p instanceof MessagePart.RangeItem i) {
                n += i.values().size();
            }
        }
        return n;
    }

    /** About the encoded size (an upper estimate for typical keys), to size the buffer once. */
    int sizeHint() {
        int n = 8;
        for (MessagePart p : parts) {
            n += 2 * 80 + 40;
            if (p instanceof MessagePart.RangeItem i) {
                for (MessagePart.SyncValue v : i.values()) {
                    n += 128 + 10 + v.entry().id().keyLength() + 64 + 32 + 20 + 1;
                }
            }
        }
        return n;
    }

    public void writeTo(PostcardWriter w) {
        w.length(parts.size());
        for (MessagePart p : parts) {
            if (p instanceof MessagePart.RangeFingerprint f) {
                w.variant(0);
                f.range().writeTo(w);
                w.raw(f.fingerprint().raw());
            } else {
                MessagePart.RangeItem item = (MessagePart.RangeItem) p;
                w.variant(1);
                item.range().writeTo(w);
                w.length(item.values().size());
                for (MessagePart.SyncValue v : item.values()) {
                    v.entry().writeTo(w);
                    w.variant(v.status().ordinal());
                }
                w.bool(item.haveLocal());
            }
        }
    }

    public static SyncMessage readFrom(PostcardReader r) throws PostcardException {
        int n = r.length(MIN_PART_BYTES);
        List<MessagePart> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int variant = r.variant();
            Range range = Range.readFrom(r);
            switch (variant) {
                case 0 -> parts.add(new MessagePart.RangeFingerprint(range, Fingerprint.of(r.raw(Fingerprint.LENGTH))));
                case 1 -> {
                    int count = r.length(MIN_VALUE_BYTES);
                    List<MessagePart.SyncValue> values = new ArrayList<>(count);
                    for (int j = 0; j < count; j++) {
                        SignedEntry e = SignedEntry.readFrom(r);
                        values.add(new MessagePart.SyncValue(e, ContentStatus.ofWire(r.variant())));
                    }
                    parts.add(new MessagePart.RangeItem(range, values, r.bool()));
                }
                default -> throw new PostcardException("unknown message part variant " + variant);
            }
        }
        return new SyncMessage(parts);
    }

    @Override
    public String toString() {
        return "SyncMessage[" + parts.size() + " parts, " + valueCount() + " entries]";
    }
}
