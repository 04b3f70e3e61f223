package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
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
    public void writeBody(PostcardWriter w) {
        addr.writeNodeAddrTo(w);
    }

    /** Decodes the postcard bytes ({@link Ticket#fromBytes(String, byte[], BodyReader)}). */
    public static NodeTicket fromBytes(byte[] bytes) throws PostcardException {
        return Ticket.fromBytes(KIND, bytes, r -> new NodeTicket(EndpointAddr.readNodeAddrFrom(r)));
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
