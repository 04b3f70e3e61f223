package com.kafkaconnectiroh.p2p.discovery.tracker;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.crypto.Ed25519;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The messages of iroh's content tracker protocol ({@value #ALPN}), postcard-encoded as the crate
 * {@code iroh-content-discovery} ({@code src/protocol.rs}) lays them out; see the wire map §8a.
 *
 * <pre>
 * Request        = variant (0 = Announce(SignedAnnounce), 1 = Query(Query))
 * Response       = variant (0 = QueryResponse{ hosts: Vec&lt;SignedAnnounce&gt; })
 * SignedAnnounce = Announce ‖ signature[64]       (serde BigArray: no length prefix)
 * Announce       = host[32] ‖ hash[32] ‖ format varint ‖ kind varint ‖ timestamp varint (µs since the epoch)
 * Query          = hash[32] ‖ format varint ‖ complete bool ‖ verified bool
 * </pre>
 * The signature is Ed25519 by {@code host} over {@code postcard(Announce)}.
 */
public final class TrackerMessages {
    public static final String ALPN = "n0/tracker/1";
    /** The most a tracker reads of one request (iroh's {@code REQUEST_SIZE_LIMIT}). */
    public static final int REQUEST_SIZE_LIMIT = 16 * 1024;

    private TrackerMessages() {
    }

    /** Partial = 0 (some of the content), Complete = 1 (all of it). */
    public enum Kind {
        PARTIAL, COMPLETE;

        static Kind fromWire(int v) throws PostcardException {
            return switch (v) {
                case 0 -> PARTIAL;
                case 1 -> COMPLETE;
                default -> throw new PostcardException("unknown announce kind " + v);
            };
        }
    }

    /** "{@code host} has {@code content} ({@code kind}) as of {@code timestampMicros}". */
    public record Announce(EndpointId host, HashAndFormat content, Kind kind, long timestampMicros) {
        public Announce {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(kind, "kind");
            if (timestampMicros < 0) {
                throw new IllegalArgumentException("negative timestamp");
            }
        }

        void writeTo(PostcardWriter w) {
            w.raw(host.toBytes()).raw(content.hash().toBytes()).varint(content.format().wireValue())
                    .varint(kind.ordinal()).varint(timestampMicros);
        }

        static Announce readFrom(PostcardReader r) throws PostcardException {
            EndpointId host = EndpointId.fromBytes(r.raw(EndpointId.LENGTH));
            Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
            BlobFormat format = format(r.variant());
            Kind kind = Kind.fromWire(r.variant());
            return new Announce(host, new HashAndFormat(hash, format), kind, r.u64());
        }

        /** {@code postcard(Announce)}: what the host signs. */
        public byte[] encode() {
            PostcardWriter w = new PostcardWriter(80);
            writeTo(w);
            return w.toByteArray();
        }

        /** Signs this announcement; {@code key} must be the host's. */
        public SignedAnnounce sign(SecretKey key) {
            if (!key.publicKey().equals(host)) {
                throw new IllegalArgumentException("only the host " + host.fmtShort() + " can sign its announcement");
            }
            return new SignedAnnounce(this, key.sign(encode()));
        }
    }

    /** An {@link Announce} with the host's signature; {@link #verify} before trusting it. */
    public record SignedAnnounce(Announce announce, byte[] signature) {
        public SignedAnnounce {
            Objects.requireNonNull(announce, "announce");
            if (signature.length != Ed25519.SIGNATURE_LEN) {
                throw new IllegalArgumentException("signature must be 64 bytes");
            }
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** Whether the host's key signed exactly this announcement. */
        public boolean verify() {
            return Ed25519.verify(announce.host().toBytes(), announce.encode(), signature);
        }

        void writeTo(PostcardWriter w) {
            announce.writeTo(w);
            w.raw(signature);
        }

        static SignedAnnounce readFrom(PostcardReader r) throws PostcardException {
            Announce a = Announce.readFrom(r);
            return new SignedAnnounce(a, r.raw(Ed25519.SIGNATURE_LEN));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SignedAnnounce s && s.announce.equals(announce)
                    && java.util.Arrays.equals(s.signature, signature);
        }

        @Override
        public int hashCode() {
            return announce.hashCode() * 31 + java.util.Arrays.hashCode(signature);
        }
    }

    /**
     * "Who has {@code content}?": {@code complete} asks only for hosts that announced all of it, {@code verified}
     * only for hosts the tracker itself checked (ours never probes: see {@link Tracker}).
     */
    public record Query(HashAndFormat content, boolean complete, boolean verified) {
        public Query {
            Objects.requireNonNull(content, "content");
        }

        void writeTo(PostcardWriter w) {
            w.raw(content.hash().toBytes()).varint(content.format().wireValue()).bool(complete).bool(verified);
        }

        static Query readFrom(PostcardReader r) throws PostcardException {
            Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
            BlobFormat format = format(r.variant());
            return new Query(new HashAndFormat(hash, format), r.bool(), r.bool());
        }
    }

    /** A request: exactly one of {@code announce} and {@code query} is set. */
    public record Request(SignedAnnounce announce, Query query) {
        public Request {
            if ((announce == null) == (query == null)) {
                throw new IllegalArgumentException("a request is an announce or a query");
            }
        }

        public static Request of(SignedAnnounce a) {
            return new Request(a, null);
        }

        public static Request of(Query q) {
            return new Request(null, q);
        }

        public byte[] encode() {
            PostcardWriter w = new PostcardWriter(180);
            if (announce != null) {
                w.variant(0);
                announce.writeTo(w);
            } else {
                w.variant(1);
                query.writeTo(w);
            }
            return w.toByteArray();
        }

        /** Decodes a whole request; trailing bytes are an error (postcard {@code from_bytes} would ignore them, a tracker has no use for them). */
        public static Request decode(byte[] b) throws PostcardException {
            PostcardReader r = new PostcardReader(b);
            Request req;
            try {
                req = switch (r.variant()) {
                    case 0 -> of(SignedAnnounce.readFrom(r));
                    case 1 -> of(Query.readFrom(r));
                    default -> throw new PostcardException("unknown request variant");
                };
            } catch (IllegalArgumentException e) {
                throw new PostcardException(e.getMessage());
            }
            r.expectEnd();
            return req;
        }
    }

    /** {@code Response::QueryResponse{hosts}}. */
    public static byte[] encodeResponse(List<SignedAnnounce> hosts) {
        PostcardWriter w = new PostcardWriter(8 + hosts.size() * 150);
        w.variant(0).length(hosts.size());
        for (SignedAnnounce h : hosts) {
            h.writeTo(w);
        }
        return w.toByteArray();
    }

    public static List<SignedAnnounce> decodeResponse(byte[] b) throws PostcardException {
        PostcardReader r = new PostcardReader(b);
        try {
            if (r.variant() != 0) {
                throw new PostcardException("unknown response variant");
            }
            // An encoded SignedAnnounce takes at least 32 + 32 + 1 + 1 + 1 + 64 bytes.
            int n = r.length(131);
            List<SignedAnnounce> hosts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                hosts.add(SignedAnnounce.readFrom(r));
            }
            r.expectEnd();
            return hosts;
        } catch (IllegalArgumentException e) {
            throw new PostcardException(e.getMessage());
        }
    }

    private static BlobFormat format(int v) throws PostcardException {
        try {
            return BlobFormat.fromWire(v);
        } catch (IllegalArgumentException e) {
            throw new PostcardException(e.getMessage());
        }
    }
}
