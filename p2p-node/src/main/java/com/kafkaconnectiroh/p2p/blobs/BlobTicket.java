package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Ticket;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * A blob ticket, kind {@code blob}: where to fetch what (iroh-blobs v0.35.0 {@code src/ticket.rs}, the same
 * bytes in v0.103): postcard {@code 00 ‖ NodeAddr (0.35 layout: id, Option<relay>, set<SocketAddr>) ‖ format
 * (Raw = 0, HashSeq = 1) ‖ hash[32]}. Both iroh generations read and print it, so it is our one ticket for
 * blobs.
 */
public final class BlobTicket implements Ticket {
    public static final String KIND = "blob";

    private final EndpointAddr provider;
    private final HashAndFormat content;

    /** Keeps what the 0.35 address layout can hold ({@link EndpointAddr#asNodeAddr()}). */
    public BlobTicket(EndpointAddr provider, HashAndFormat content) {
        this.provider = Objects.requireNonNull(provider, "provider").asNodeAddr();
        this.content = Objects.requireNonNull(content, "content");
    }

    public BlobTicket(EndpointAddr provider, Hash hash, BlobFormat format) {
        this(provider, new HashAndFormat(hash, format));
    }

    public EndpointAddr provider() {
        return provider;
    }

    public HashAndFormat content() {
        return content;
    }

    public Hash hash() {
        return content.hash();
    }

    public BlobFormat format() {
        return content.format();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void writeBody(PostcardWriter w) {
        provider.writeNodeAddrTo(w);
        w.variant(content.format().wireValue());
        w.raw(content.hash().toBytes());
    }

    /** Decodes the postcard bytes ({@link Ticket#fromBytes(String, byte[], Ticket.BodyReader)}). */
    public static BlobTicket fromBytes(byte[] bytes) throws PostcardException {
        return Ticket.fromBytes(KIND, bytes, BlobTicket::readBody);
    }

    private static BlobTicket readBody(PostcardReader r) throws PostcardException {
        EndpointAddr addr = EndpointAddr.readNodeAddrFrom(r);
        int format = r.variant();
        if (format > 1) {
            throw new PostcardException("unknown blob format " + format + " (Raw = 0, HashSeq = 1)");
        }
        Hash hash = Hash.fromBytes(r.raw(Hash.LENGTH));
        return new BlobTicket(addr, hash, BlobFormat.fromWire(format));
    }

    /** Parses {@code blob…}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static BlobTicket parse(String text) {
        return Ticket.parse(KIND, text, BlobTicket::fromBytes);
    }

    @Override
    public String toString() {
        return encode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobTicket t && provider.equals(t.provider) && content.equals(t.content);
    }

    @Override
    public int hashCode() {
        return provider.hashCode() * 31 + content.hashCode();
    }
}
