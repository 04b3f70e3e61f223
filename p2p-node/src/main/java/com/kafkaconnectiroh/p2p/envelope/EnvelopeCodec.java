package com.kafkaconnectiroh.p2p.envelope;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes envelope messages (docs/envelope.md): {@link #MAGIC}, a version byte, a kind byte, then a
 * postcard body. Postcard because iroh applications already speak it (serde + postcard in Rust), and because its
 * lengths are checked against what is left, so a hostile message allocates nothing it does not carry.
 */
public final class EnvelopeCodec {
    /**
     * 0x89 'K' 'C' 'I': the high first byte keeps text messages (UTF-8 cannot start with 0x89) from ever looking
     * like envelopes, as PNG's signature does for text files.
     */
    public static final byte[] MAGIC = {(byte) 0x89, 'K', 'C', 'I'};
    public static final int VERSION = 1;
    /** Magic, version and kind. */
    public static final int HEADER_SIZE = MAGIC.length + 2;

    static final int KIND_FULL = 0;
    static final int KIND_INDIRECT = 1;

    private static final int PAYLOAD_ABSENT = 0;
    private static final int PAYLOAD_INLINE = 1;
    private static final int PAYLOAD_BLOB = 2;

    private EnvelopeCodec() {
    }

    /** True if the message starts with the magic (whether or not the rest is well-formed). */
    public static boolean isEnvelope(byte[] message) {
        if (message.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (message[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    public static byte[] encode(Envelope envelope) {
        PostcardWriter w = header(KIND_FULL, 64 + payloadSizeHint(envelope.payload()));
        writeBody(w, envelope);
        return w.toByteArray();
    }

    /** A message that says: the envelope is the content of this blob (see {@link Message.Indirect}). */
    public static byte[] encodeIndirect(BlobRef envelopeBlob) {
        PostcardWriter w = header(KIND_INDIRECT, 128);
        writeBlobRef(w, envelopeBlob);
        return w.toByteArray();
    }

    /**
     * Reads a gossip message: {@link Message.Raw} if it does not start with the magic, else the envelope.
     *
     * @throws EnvelopeException the magic is there but the rest is not a valid envelope of a known version
     */
    public static Message decode(byte[] message) throws EnvelopeException {
        if (!isEnvelope(message)) {
            return new Message.Raw(message);
        }
        PostcardReader r = new PostcardReader(message);
        try {
            r.raw(MAGIC.length);
            int kind = readVersionAndKind(r);
            Message m = switch (kind) {
                case KIND_FULL -> new Message.Full(readBody(r));
                case KIND_INDIRECT -> new Message.Indirect(readBlobRef(r));
                default -> throw new EnvelopeException("unknown envelope kind " + kind + " (expected 0 envelope or 1 envelope in a blob)");
            };
            r.expectEnd();
            return m;
        } catch (PostcardException e) {
            throw new EnvelopeException("malformed envelope: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // value checks of the records (negative offsets, too many providers, an invalid endpoint id)
            throw new EnvelopeException("invalid envelope: " + e.getMessage(), e);
        }
    }

    /** Decodes the content of the blob an {@link Message.Indirect} points to: it must be a full envelope. */
    public static Envelope decodeStored(byte[] blobContent) throws EnvelopeException {
        Message m = decode(blobContent);
        if (m instanceof Message.Full f) {
            return f.envelope();
        }
        throw new EnvelopeException(m instanceof Message.Raw
                ? "the referenced envelope blob does not hold an envelope"
                : "the referenced envelope blob points to another blob (only one level of indirection is allowed)");
    }

    private static PostcardWriter header(int kind, int sizeHint) {
        PostcardWriter w = new PostcardWriter(HEADER_SIZE + sizeHint);
        return w.raw(MAGIC).u8(VERSION).u8(kind);
    }

    private static int readVersionAndKind(PostcardReader r) throws PostcardException, EnvelopeException {
        int version = r.u8();
        if (version != VERSION) {
            throw new EnvelopeException("envelope version " + version + " is not supported (this reader knows version "
                    + VERSION + ")");
        }
        return r.u8();
    }

    private static int payloadSizeHint(Envelope.Payload p) {
        return p instanceof Envelope.Inline i ? i.bytes().length + 10 : 128;
    }

    private static void writeBody(PostcardWriter w, Envelope e) {
        if (e.key() == null) {
            w.none();
        } else {
            w.some().bytes(e.key());
        }
        w.length(e.headers().size());
        for (Envelope.Header h : e.headers()) {
            w.string(h.name());
            if (h.value() == null) {
                w.none();
            } else {
                w.some().bytes(h.value());
            }
        }
        Envelope.Origin o = e.origin();
        if (o == null) {
            w.none();
        } else {
            w.some().string(o.topic()).varint(o.partition()).varint(o.offset());
            if (o.timestamp() == null) {
                w.none();
            } else {
                w.some().signedVarint(o.timestamp());
            }
        }
        Envelope.Payload p = e.payload();
        if (p instanceof Envelope.Inline i) {
            w.variant(PAYLOAD_INLINE).bytes(i.bytes());
        } else if (p instanceof Envelope.Blob b) {
            w.variant(PAYLOAD_BLOB);
            writeBlobRef(w, b.ref());
        } else {
            w.variant(PAYLOAD_ABSENT);
        }
    }

    private static Envelope readBody(PostcardReader r) throws PostcardException, EnvelopeException {
        byte[] key = r.option() ? r.bytes() : null;
        // Smallest header: an empty name (1 byte) and None (1 byte).
        int n = r.length(2);
        List<Envelope.Header> headers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = r.string();
            headers.add(new Envelope.Header(name, r.option() ? r.bytes() : null));
        }
        Envelope.Origin origin = null;
        if (r.option()) {
            String topic = r.string();
            long partition = r.u32();
            long offset = r.u64();
            Long timestamp = r.option() ? r.signedVarint() : null;
            if (partition > Integer.MAX_VALUE || offset < 0) {
                throw new EnvelopeException("origin partition " + partition + " or offset " + Long.toUnsignedString(offset)
                        + " out of range");
            }
            origin = new Envelope.Origin(topic, (int) partition, offset, timestamp);
        }
        int kind = r.variant();
        Envelope.Payload payload = switch (kind) {
            case PAYLOAD_ABSENT -> Envelope.ABSENT;
            case PAYLOAD_INLINE -> new Envelope.Inline(r.bytes());
            case PAYLOAD_BLOB -> new Envelope.Blob(readBlobRef(r));
            default -> throw new EnvelopeException("unknown payload kind " + kind + " (expected 0 absent, 1 inline, 2 blob)");
        };
        return new Envelope(key, headers, origin, payload);
    }

    private static void writeBlobRef(PostcardWriter w, BlobRef ref) {
        w.raw(ref.content().hash().toBytes()).variant(ref.content().format().wireValue()).varint(ref.size());
        w.length(ref.providers().size());
        for (EndpointAddr p : ref.providers()) {
            p.writeTo(w);
        }
    }

    private static BlobRef readBlobRef(PostcardReader r) throws PostcardException, EnvelopeException {
        Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
        int format = r.variant();
        if (format > 1) {
            throw new EnvelopeException("unknown blob format " + format + " (expected 0 raw or 1 hash sequence)");
        }
        long size = r.u64();
        if (size < 0) {
            throw new EnvelopeException("blob size " + Long.toUnsignedString(size) + " out of range");
        }
        // Smallest provider: a 32-byte id and an empty address list.
        int n = r.length(33);
        if (n > BlobRef.MAX_PROVIDERS) {
            throw new EnvelopeException(n + " providers (at most " + BlobRef.MAX_PROVIDERS + ")");
        }
        List<EndpointAddr> providers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            providers.add(EndpointAddr.readFrom(r));
        }
        return new BlobRef(new HashAndFormat(hash, BlobFormat.fromWire(format)), size, providers);
    }
}
