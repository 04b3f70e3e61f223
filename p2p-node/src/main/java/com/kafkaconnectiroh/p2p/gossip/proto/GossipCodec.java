package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Postcard encoding of gossip messages, following the serde derives of iroh-gossip {@code proto/{topic,
 * hyparview,plumtree,state}.rs} (identical in 0.35 and 0.101). Decoding is strict: unknown variants, invalid
 * bools/options, truncation and trailing bytes are all {@link PostcardException}s, and sequence lengths are
 * checked against the bytes present before anything is allocated.
 *
 * <p>Three shapes exist on the wire:
 * <ul>
 *   <li>a bare {@code topic::Message} (frames after the header on {@code /iroh-gossip/1});</li>
 *   <li>the {@code /iroh-gossip/0} frame body {@code state::Message{topic: [u8;32], message}};</li>
 *   <li>the {@code /iroh-gossip/1} {@code StreamHeader{topic_id: [u8;32]}} (32 raw bytes).</li>
 * </ul>
 */
public final class GossipCodec<P> {
    private static final int TAG_SWARM = 0;
    private static final int TAG_GOSSIP = 1;

    private static final int HV_JOIN = 0;
    private static final int HV_FORWARD_JOIN = 1;
    private static final int HV_SHUFFLE = 2;
    private static final int HV_SHUFFLE_REPLY = 3;
    private static final int HV_NEIGHBOR = 4;
    private static final int HV_DISCONNECT = 5;

    private static final int PT_GOSSIP = 0;
    private static final int PT_PRUNE = 1;
    private static final int PT_GRAFT = 2;
    private static final int PT_IHAVE = 3;

    private static final int SCOPE_SWARM = 0;
    private static final int SCOPE_NEIGHBORS = 1;

    /** Largest encoding of one IHave entry: 32-byte id and a u16 varint of up to 3 bytes. */
    static final int IHAVE_ENTRY_MAX_SIZE = MessageId.LENGTH + 3;

    private final PeerIdCodec<P> ids;

    public GossipCodec(PeerIdCodec<P> ids) {
        this.ids = ids;
    }

    public PeerIdCodec<P> peerIds() {
        return ids;
    }

    /** A message together with its topic: the {@code /iroh-gossip/0} frame body. */
    public record Addressed<P>(TopicId topic, Message<P> message) {}

    // ---- encoding ----

    public byte[] encode(Message<P> message) {
        PostcardWriter w = new PostcardWriter(sizeHint(message));
        write(message, w);
        return w.toByteArray();
    }

    public byte[] encodeV0Body(TopicId topic, Message<P> message) {
        PostcardWriter w = new PostcardWriter(TopicId.LENGTH + sizeHint(message));
        w.raw(topic.bytes());
        write(message, w);
        return w.toByteArray();
    }

    /** A complete {@code /iroh-gossip/0} frame (length prefix included). */
    public byte[] encodeV0Frame(TopicId topic, Message<P> message, int maxMessageSize) throws MessageTooLargeException {
        return GossipWire.frame(encodeV0Body(topic, message), maxMessageSize);
    }

    /** A complete {@code /iroh-gossip/1} frame for a topic stream whose header was already sent. */
    public byte[] encodeV1Frame(Message<P> message, int maxMessageSize) throws MessageTooLargeException {
        return GossipWire.frame(encode(message), maxMessageSize);
    }

    public static byte[] encodeStreamHeader(TopicId topic) {
        return topic.toBytes();
    }

    public void write(Message<P> message, PostcardWriter w) {
        if (message instanceof Message.Swarm<P> s) {
            w.variant(TAG_SWARM);
            writeSwarm(s.body(), w);
        } else {
            w.variant(TAG_GOSSIP);
            writeGossip(((Message.Gossip<P>) message).body(), w);
        }
    }

    private void writeSwarm(HyParViewMessage<P> m, PostcardWriter w) {
        if (m instanceof HyParViewMessage.Join<P> j) {
            w.variant(HV_JOIN);
            writePeerData(j.data(), w);
        } else if (m instanceof HyParViewMessage.ForwardJoin<P> f) {
            w.variant(HV_FORWARD_JOIN);
            writePeerInfo(f.peer(), w);
            w.varint(f.ttl());
        } else if (m instanceof HyParViewMessage.Shuffle<P> s) {
            w.variant(HV_SHUFFLE);
            ids.write(s.origin(), w);
            writePeerInfos(s.nodes(), w);
            w.varint(s.ttl());
        } else if (m instanceof HyParViewMessage.ShuffleReply<P> r) {
            w.variant(HV_SHUFFLE_REPLY);
            writePeerInfos(r.nodes(), w);
        } else if (m instanceof HyParViewMessage.Neighbor<P> n) {
            w.variant(HV_NEIGHBOR);
            w.variant(n.priority() == Priority.HIGH ? 0 : 1);
            writePeerData(n.data(), w);
        } else {
            HyParViewMessage.Disconnect<P> d = (HyParViewMessage.Disconnect<P>) m;
            w.variant(HV_DISCONNECT);
            w.bool(d.alive());
            w.bool(d.respond());
        }
    }

    private static void writeGossip(PlumTreeMessage m, PostcardWriter w) {
        if (m instanceof PlumTreeMessage.Gossip g) {
            w.variant(PT_GOSSIP);
            w.raw(g.id().bytes());
            w.bytes(g.content());
            writeScope(g.scope(), w);
        } else if (m instanceof PlumTreeMessage.Prune) {
            w.variant(PT_PRUNE);
        } else if (m instanceof PlumTreeMessage.Graft g) {
            w.variant(PT_GRAFT);
            if (g.id() == null) {
                w.none();
            } else {
                w.some().raw(g.id().bytes());
            }
            w.varint(g.round());
        } else {
            List<PlumTreeMessage.IHave.Entry> entries = ((PlumTreeMessage.IHave) m).entries();
            w.variant(PT_IHAVE);
            w.length(entries.size());
            for (PlumTreeMessage.IHave.Entry e : entries) {
                w.raw(e.id().bytes());
                w.varint(e.round());
            }
        }
    }

    private static void writeScope(DeliveryScope scope, PostcardWriter w) {
        if (scope instanceof DeliveryScope.Swarm s) {
            w.variant(SCOPE_SWARM).varint(s.round());
        } else {
            w.variant(SCOPE_NEIGHBORS);
        }
    }

    private void writePeerInfos(List<PeerInfo<P>> nodes, PostcardWriter w) {
        w.length(nodes.size());
        for (PeerInfo<P> n : nodes) {
            writePeerInfo(n, w);
        }
    }

    private void writePeerInfo(PeerInfo<P> info, PostcardWriter w) {
        ids.write(info.id(), w);
        writePeerData(info.data(), w);
    }

    private static void writePeerData(PeerData data, PostcardWriter w) {
        if (data == null) {
            w.none();
        } else {
            w.some().bytes(data.bytes());
        }
    }

    // ---- sizes ----

    /** Encoded size of a PeerInfo. */
    int peerInfoSize(PeerInfo<P> info) {
        return ids.encodedSize(info.id()) + peerDataSize(info.data());
    }

    static int peerDataSize(PeerData data) {
        return data == null ? 1 : 1 + GossipWire.varintSize(data.length()) + data.length();
    }

    private int sizeHint(Message<P> m) {
        if (m instanceof Message.Gossip<P> g && g.body() instanceof PlumTreeMessage.Gossip p) {
            return 48 + p.content().length;
        }
        return 128;
    }

    /**
     * The largest broadcast content that still fits one frame on both transports: a {@code /iroh-gossip/0} body
     * is topic (32) + two tags + id (32) + varint length + content + scope (tag + u16 round, at most 4), and the
     * frame must stay below {@code maxMessageSize}.
     */
    public static int maxContentSize(int maxMessageSize) {
        int overhead = TopicId.LENGTH + 2 + MessageId.LENGTH + 4;
        int budget = maxMessageSize - 1 - overhead;
        int n = budget - 1;
        while (n > 0 && n + GossipWire.varintSize(n) > budget) {
            n--;
        }
        return Math.max(0, n);
    }

    /** The most IHave entries one frame can carry on both transports. */
    public static int maxIHaveEntries(int maxMessageSize) {
        int fixed = TopicId.LENGTH + 2;
        int k = (maxMessageSize - 1 - fixed) / IHAVE_ENTRY_MAX_SIZE;
        while (k > 0 && fixed + GossipWire.varintSize(k) + k * IHAVE_ENTRY_MAX_SIZE > maxMessageSize - 1) {
            k--;
        }
        return Math.max(1, k);
    }

    // ---- decoding ----

    public Message<P> decode(byte[] buf) throws PostcardException {
        return decode(buf, 0, buf.length);
    }

    public Message<P> decode(byte[] buf, int off, int len) throws PostcardException {
        PostcardReader r = new PostcardReader(buf, off, len);
        Message<P> m = read(r);
        r.expectEnd();
        return m;
    }

    public Addressed<P> decodeV0Body(byte[] buf) throws PostcardException {
        PostcardReader r = new PostcardReader(buf);
        TopicId topic = TopicId.wrap(r.raw(TopicId.LENGTH));
        Message<P> m = read(r);
        r.expectEnd();
        return new Addressed<>(topic, m);
    }

    public static TopicId decodeStreamHeader(byte[] buf) throws PostcardException {
        PostcardReader r = new PostcardReader(buf);
        TopicId topic = TopicId.wrap(r.raw(TopicId.LENGTH));
        r.expectEnd();
        return topic;
    }

    public Message<P> read(PostcardReader r) throws PostcardException {
        int tag = r.variant();
        return switch (tag) {
            case TAG_SWARM -> new Message.Swarm<>(readSwarm(r));
            case TAG_GOSSIP -> new Message.Gossip<>(readGossip(r));
            default -> throw new PostcardException("unknown topic message variant " + tag + " (expected Swarm=0 or Gossip=1)");
        };
    }

    private HyParViewMessage<P> readSwarm(PostcardReader r) throws PostcardException {
        int tag = r.variant();
        switch (tag) {
            case HV_JOIN:
                return new HyParViewMessage.Join<>(readPeerData(r));
            case HV_FORWARD_JOIN: {
                PeerInfo<P> peer = readPeerInfo(r);
                return new HyParViewMessage.ForwardJoin<>(peer, r.u16());
            }
            case HV_SHUFFLE: {
                P origin = ids.read(r);
                List<PeerInfo<P>> nodes = readPeerInfos(r);
                return new HyParViewMessage.Shuffle<>(origin, nodes, r.u16());
            }
            case HV_SHUFFLE_REPLY:
                return new HyParViewMessage.ShuffleReply<>(readPeerInfos(r));
            case HV_NEIGHBOR: {
                int p = r.variant();
                Priority priority = switch (p) {
                    case 0 -> Priority.HIGH;
                    case 1 -> Priority.LOW;
                    default -> throw new PostcardException("unknown Neighbor priority " + p + " (expected High=0 or Low=1)");
                };
                return new HyParViewMessage.Neighbor<>(priority, readPeerData(r));
            }
            case HV_DISCONNECT: {
                boolean alive = r.bool();
                return new HyParViewMessage.Disconnect<>(alive, r.bool());
            }
            default:
                throw new PostcardException("unknown HyParView message variant " + tag + " (expected 0..5)");
        }
    }

    private static PlumTreeMessage readGossip(PostcardReader r) throws PostcardException {
        int tag = r.variant();
        switch (tag) {
            case PT_GOSSIP: {
                MessageId id = MessageId.wrap(r.raw(MessageId.LENGTH));
                byte[] content = r.bytes();
                return new PlumTreeMessage.Gossip(id, content, readScope(r));
            }
            case PT_PRUNE:
                return PlumTreeMessage.PRUNE;
            case PT_GRAFT: {
                MessageId id = r.option() ? MessageId.wrap(r.raw(MessageId.LENGTH)) : null;
                return new PlumTreeMessage.Graft(id, r.u16());
            }
            case PT_IHAVE: {
                int n = r.length(MessageId.LENGTH + 1);
                List<PlumTreeMessage.IHave.Entry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    MessageId id = MessageId.wrap(r.raw(MessageId.LENGTH));
                    entries.add(new PlumTreeMessage.IHave.Entry(id, r.u16()));
                }
                return new PlumTreeMessage.IHave(entries);
            }
            default:
                throw new PostcardException("unknown PlumTree message variant " + tag + " (expected 0..3)");
        }
    }

    private static DeliveryScope readScope(PostcardReader r) throws PostcardException {
        int tag = r.variant();
        return switch (tag) {
            case SCOPE_SWARM -> new DeliveryScope.Swarm(r.u16());
            case SCOPE_NEIGHBORS -> DeliveryScope.NEIGHBORS;
            default -> throw new PostcardException("unknown DeliveryScope variant " + tag + " (expected Swarm=0 or Neighbors=1)");
        };
    }

    private List<PeerInfo<P>> readPeerInfos(PostcardReader r) throws PostcardException {
        int n = r.length(ids.minEncodedSize() + 1);
        List<PeerInfo<P>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readPeerInfo(r));
        }
        return out;
    }

    private PeerInfo<P> readPeerInfo(PostcardReader r) throws PostcardException {
        P id = ids.read(r);
        return new PeerInfo<>(id, readPeerData(r));
    }

    private static PeerData readPeerData(PostcardReader r) throws PostcardException {
        return r.option() ? PeerData.wrap(r.bytes()) : null;
    }
}
