package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Objects;

/**
 * iroh 1.x endpoint ticket, kind {@code endpoint}: postcard {@code 00 ‖ EndpointAddr} (iroh-tickets v1.0.0
 * {@code src/endpoint.rs}; the wire enum's only variant is named Variant1 but has index 0). iroh 1.x cannot read
 * {@link NodeTicket}s and iroh 0.35 cannot read these.
 */
public final class EndpointTicket implements Ticket {
    public static final String KIND = "endpoint";

    private final EndpointAddr addr;

    public EndpointTicket(EndpointAddr addr) {
        this.addr = Objects.requireNonNull(addr, "endpoint address");
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
        addr.writeTo(w);
    }

    /** Decodes the postcard bytes ({@link Ticket#fromBytes(String, byte[], BodyReader)}). */
    public static EndpointTicket fromBytes(byte[] bytes) throws PostcardException {
        return Ticket.fromBytes(KIND, bytes, r -> new EndpointTicket(EndpointAddr.readFrom(r)));
    }

    /** Parses {@code endpoint…}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static EndpointTicket parse(String text) {
        return Ticket.parse(KIND, text, EndpointTicket::fromBytes);
    }

    @Override
    public String toString() {
        return encode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointTicket t && addr.equals(t.addr);
    }

    @Override
    public int hashCode() {
        return addr.hashCode();
    }
}
