package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpecSeq;
import java.util.List;
import java.util.Objects;

/**
 * A GET request: a blob (or hash sequence) and the chunk ranges wanted of it and of its children (iroh-blobs
 * v0.35.0 {@code src/protocol.rs::GetRequest}). On the wire it is the postcard enum {@code Request::Get = 0}
 * followed by the hash (32 raw bytes) and the {@link RangeSpecSeq}; identical in 0.35 and 0.103
 * ({@code tests::request_wire_format}).
 */
public record GetRequest(Hash hash, RangeSpecSeq ranges) {
    /** {@code Request::Get}; 0.103 adds other request types after it, which we do not serve. */
    public static final int REQUEST_GET = 0;

    public GetRequest {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(ranges, "ranges");
    }

    /** The whole blob, no children (iroh {@code GetRequest::single}). */
    public static GetRequest single(Hash hash) {
        return new GetRequest(hash, RangeSpecSeq.fromRanges(List.of(ChunkRanges.all())));
    }

    /** The whole blob and every child in full (iroh {@code GetRequest::all}). */
    public static GetRequest all(Hash hash) {
        return new GetRequest(hash, RangeSpecSeq.all());
    }

    /** Just {@code ranges} of the blob itself. */
    public static GetRequest ranges(Hash hash, ChunkRanges ranges) {
        return new GetRequest(hash, RangeSpecSeq.fromRanges(List.of(ranges)));
    }

    public byte[] encode() {
        PostcardWriter w = new PostcardWriter(48);
        w.variant(REQUEST_GET);
        w.raw(hash.toBytes());
        ranges.write(w);
        return w.toByteArray();
    }

    /**
     * Decodes a whole request message. Fails for other request types, short input and trailing bytes (postcard
     * would ignore those; a request is the entire stream, so extra bytes mean the peer speaks something else).
     */
    public static GetRequest decode(byte[] message) throws PostcardException {
        PostcardReader r = new PostcardReader(message);
        int type = r.variant();
        if (type != REQUEST_GET) {
            throw new PostcardException("request type " + type + " is not supported (only Get = 0)");
        }
        Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
        RangeSpecSeq ranges = RangeSpecSeq.read(r);
        r.expectEnd();
        return new GetRequest(hash, ranges);
    }

    @Override
    public String toString() {
        return "Get(" + hash.fmtShort() + ", " + ranges + ")";
    }
}
