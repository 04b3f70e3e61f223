package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * iroh 0.35 node ticket, kind {@code node}: postcard {@code 00 ‖ NodeAddr} (IR@v0.35.0
 * {@code iroh-base/src/ticket/node.rs}). It holds one relay URL at most and no custom addresses. iroh 1.x cannot read
 * these and iroh 0.35 cannot read {@link EndpointTicket}s.
 */
public final class NodeTicket implements Ticket {
    public static final String KIND = "node";

    private final EndpointAddr addr;

    /** Keeps what the 0.35 layout can hold ({@link EndpointAddr#asNodeAddr()}). */
    public NodeTicket(EndpointAddr addr) {
        this.addr = Objects.requireNonNull(addr, "endpoint address").asNodeAddr();
    }

    public EndpointAddr addr() {
        return addr;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public byte[] toBytes() {
        PostcardWriter w = new PostcardWriter(64);
        w.variant(0);
        addr.writeNodeAddrTo(w);
        return w.toByteArray();
    }

    /**
     * Decodes the postcard bytes. Trailing bytes are refused (iroh's decoder would ignore them; we never make
     * such tickets and take them as a sign of a mismatched layout).
     */
    public static NodeTicket fromBytes(byte[] bytes) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        Ticket.readVariant(r, KIND);
        EndpointAddr addr = EndpointAddr.readNodeAddrFrom(r);
        r.expectEnd();
        return new NodeTicket(addr);
    }

    /** Parses {@code node…}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static NodeTicket parse(String text) {
        return Ticket.parse(KIND, text, NodeTicket::fromBytes);
    }

    @Override
    public String toString() {
        return encode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeTicket t && addr.equals(t.addr);
    }

    @Override
    public int hashCode() {
        return addr.hashCode();
    }
}
