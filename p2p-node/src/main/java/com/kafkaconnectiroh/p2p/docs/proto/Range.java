package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * A range of record identifiers (iroh-docs {@code ranger::Range}, after Meyer's range-based set reconciliation):
 * {@code x == y} is the whole set; {@code x < y} is {@code [x, y)}; {@code x > y} wraps around, everything but
 * {@code [y, x)}. Postcard: {@code x} and {@code y} as {@code bytes}.
 */
public record Range(RecordIdentifier x, RecordIdentifier y) {
    public Range {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
    }

    public boolean isAll() {
        return x.equals(y);
    }

    /** True if {@code x > y}: the range wraps past the end of the set. */
    public boolean wraps() {
        return x.compareTo(y) > 0;
    }

    public boolean contains(RecordIdentifier t) {
        int c = x.compareTo(y);
        if (c == 0) {
            return true;
        }
        if (c < 0) {
            return x.compareTo(t) <= 0 && t.compareTo(y) < 0;
        }
        return x.compareTo(t) <= 0 || t.compareTo(y) < 0;
    }

    void writeTo(PostcardWriter w) {
        w.bytes(x.toBytes()).bytes(y.toBytes());
    }

    static Range readFrom(PostcardReader r) throws PostcardException {
        return new Range(RecordIdentifier.wrap(r.bytes()), RecordIdentifier.wrap(r.bytes()));
    }

    @Override
    public String toString() {
        return isAll() ? "Range[all from " + x + "]" : "Range[" + x + ", " + y + ")";
    }
}
