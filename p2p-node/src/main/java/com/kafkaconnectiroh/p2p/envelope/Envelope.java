package com.kafkaconnectiroh.p2p.envelope;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One record crossing between Kafka and an iroh network: key, headers, origin coordinates and a payload that is
 * either inline, a blob reference, or absent (a Kafka tombstone). All parts but the payload are optional.
 *
 * @param key     the Kafka record key's bytes, or null
 * @param headers in order, duplicates allowed (as Kafka headers)
 * @param origin  where the record was read from, or null (receivers use it to drop redeliveries)
 * @param payload the value
 */
public record Envelope(byte[] key, List<Header> headers, Origin origin, Payload payload) {
    public Envelope {
        headers = List.copyOf(headers);
        Objects.requireNonNull(payload, "payload");
    }

    /** An envelope holding only a value. */
    public static Envelope of(Payload payload) {
        return new Envelope(null, List.of(), null, payload);
    }

    /** A Kafka header: a name and the value's bytes (null for a null value). */
    public record Header(String name, byte[] value) {
        public Header {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && name.equals(h.name) && Arrays.equals(value, h.value);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(value);
        }
    }

    /**
     * The Kafka coordinates a record had where it was read (the sink's {@code originalTopic/Partition/Offset}).
     *
     * @param timestamp the record's timestamp in milliseconds since the epoch, or null
     */
    public record Origin(String topic, int partition, long offset, Long timestamp) {
        public Origin {
            Objects.requireNonNull(topic, "topic");
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException("partition and offset must not be negative: " + partition + "/" + offset);
            }
        }
    }

    /** The value: inline bytes, a blob reference, or absent. */
    public sealed interface Payload permits Inline, Blob, Absent {
    }

    public record Inline(byte[] bytes) implements Payload {
        public Inline {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inline i && Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Inline[" + bytes.length + " bytes]";
        }
    }

    public record Blob(BlobRef ref) implements Payload {
        public Blob {
            Objects.requireNonNull(ref, "ref");
        }
    }

    /** No value: a Kafka tombstone. */
    public record Absent() implements Payload {
    }

    public static final Absent ABSENT = new Absent();

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope e && Arrays.equals(key, e.key) && headers.equals(e.headers)
                && Objects.equals(origin, e.origin) && payload.equals(e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), headers, origin, payload);
    }

    @Override
    public String toString() {
        return "Envelope[key " + (key == null ? "null" : key.length + " bytes") + ", " + headers.size() + " header(s), "
                + origin + ", " + payload + "]";
    }
}
