package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Ticket;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A document ticket, kind {@code doc}, in iroh 0.35's layout: {@code 00 ‖ Capability ‖ Vec<NodeAddr>}
 * (DO@v0.35.0 {@code src/ticket.rs}). The addresses are iroh 0.35 {@code NodeAddr}s (id, at most one relay URL,
 * direct addresses); iroh-docs 0.100 puts 1.x {@code EndpointAddr}s there instead, so the two cannot read each
 * other's tickets. A ticket names at least one peer, as iroh requires.
 */
public final class DocTicket implements Ticket {
    public static final String KIND = "doc";

    private final Capability capability;
    private final List<EndpointAddr> nodes;

    public DocTicket(Capability capability, List<EndpointAddr> nodes) {
        this.capability = Objects.requireNonNull(capability, "capability");
        List<EndpointAddr> n = new ArrayList<>();
        for (EndpointAddr a : nodes) {
            n.add(a.asNodeAddr());
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("a doc ticket needs at least one peer");
        }
        this.nodes = List.copyOf(n);
    }

    public Capability capability() {
        return capability;
    }

    public NamespaceId namespace() {
        return capability.id();
    }

    /** The peers to sync with (iroh 0.35 node addresses). */
    public List<EndpointAddr> nodes() {
        return nodes;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void writeBody(PostcardWriter w) {
        capability.writeTo(w);
        w.length(nodes.size());
        for (EndpointAddr a : nodes) {
            a.writeNodeAddrTo(w);
        }
    }

    /** Decodes the postcard bytes ({@link Ticket#fromBytes(String, byte[], Ticket.BodyReader)}); an empty peer list is refused. */
    public static DocTicket fromBytes(byte[] bytes) throws PostcardException {
        return Ticket.fromBytes(KIND, bytes, DocTicket::readBody);
    }

    private static DocTicket readBody(PostcardReader r) throws PostcardException {
        Capability cap = Capability.readFrom(r);
        int n = r.length(33);
        if (n == 0) {
            throw new PostcardException("addressing info cannot be empty");
        }
        List<EndpointAddr> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            nodes.add(EndpointAddr.readNodeAddrFrom(r));
        }
        return new DocTicket(cap, nodes);
    }

    /** Parses {@code doc…}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static DocTicket parse(String text) {
        return Ticket.parse(KIND, text, DocTicket::fromBytes);
    }

    @Override
    public String toString() {
        return encode();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DocTicket t && capability.equals(t.capability) && nodes.equals(t.nodes);
    }

    @Override
    public int hashCode() {
        return capability.hashCode() * 31 + nodes.hashCode();
    }
}
