package com.kafkaconnectiroh.p2p.gossip;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Topic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that falls behind its peers: PlumTree's graft timeout measures the network, not a queue in front of a
 * slow reader. Two scripted peers on the real wire: one pushes payloads (the eager path), the other announces the
 * same messages by IHave (a lazy path), and the node's gossip thread is slowed so that the payloads queue up in its
 * stream. Grafting what is already queued only asks for duplicates; under sustained load that fed a storm of
 * grafts, duplicates and prunes that took the tree apart and lost messages ({@code gossip publish} into two
 * {@code gossip subscribe} on a loaded machine lost up to 17 % of 100,000 messages). See {@link GraftHold}.
 */
class GossipBacklogTest {
    static final TopicId TOPIC = TopicId.fromName("backlog test");
    static final GossipCodec<EndpointId> CODEC = HostileGossipPeerTest.CODEC;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void aNodeBehindOnItsEagerStreamReadsItInsteadOfGraftingWhatIsQueuedThere() throws Exception {
        JavaNode victim = JavaNode.start();
        closing.add(victim);
        int n = 8000;
        GossipTopic topic = victim.gossip.subscribe(TOPIC, List.of(), n + 100);
        SendStream eager = joinedPeer(victim);
        SendStream lazy = joinedPeer(victim);
        GossipTest.awaitCondition("the scripted peers are neighbors", () -> topic.neighbors().size() == 2);

        List<byte[]> contents = new ArrayList<>();
        Set<String> want = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String s = String.format(Locale.ROOT, "queued %05d %s", i, "x".repeat(80));
            contents.add(s.getBytes(StandardCharsets.UTF_8));
            want.add(s);
        }
        // Slowed down, the victim reads 16 KiB per stream per pass, so the payloads (about 110 bytes each) take well
        // over a second to get through, while the IHaves (about 36 bytes an entry) are read far ahead of them.
        AtomicBoolean slow = slowDown(victim);
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        List<MessageId> ids = new ArrayList<>();
        for (byte[] c : contents) {
            MessageId id = MessageId.ofContent(c);
            payloads.writeBytes(CODEC.encodeV1Frame(
                    new Message.Gossip<>(new PlumTreeMessage.Gossip(id, c, new DeliveryScope.Swarm(0))), 4096));
            ids.add(id);
        }
        byte[] ihaves = ihaveFrames(ids);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> write(eager, payloads.toByteArray()));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> write(lazy, ihaves));
        a.get(30, TimeUnit.SECONDS);
        b.get(30, TimeUnit.SECONDS);
        try {
            GossipTest.receiveExactly(topic, want);
        } finally {
            slow.set(false);
        }
        Topic.Counters c = counters(victim);
        // Every payload was on its way, queued in the victim's own stream: a graft could only fetch a duplicate.
        assertTrue(c.graftsSent() < n / 100, "grafted " + c.graftsSent() + " of " + n + " messages queued to it; " + c);
        assertEquals(0, c.missingDropped(), c.toString());
        assertTrue(victim.gossip.stats().graftsDeferred() > 0, "the IHaves did run ahead of the payloads");
    }

    @Test
    void aBacklogOfIHavesAloneHoldsNoGraft() throws Exception {
        JavaNode victim = JavaNode.start();
        closing.add(victim);
        GossipTopic topic = victim.gossip.subscribe(TOPIC);
        SendStream announcer = joinedPeer(victim);
        GossipTest.awaitCondition("the scripted peer is a neighbor", () -> topic.neighbors().size() == 1);
        // Only IHaves arrive, in full 16 KiB reads (the victim is slowed as above): no payload is on its way behind
        // them, so each missing message is grafted after the usual 80 ms, not held.
        AtomicBoolean slow = slowDown(victim);
        int n = 4000;
        List<MessageId> neverSent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            neverSent.add(MessageId.ofContent(("never sent " + i).getBytes(StandardCharsets.UTF_8)));
        }
        write(announcer, ihaveFrames(neverSent));
        try {
            GossipTest.awaitCondition("the victim grafts what it heard of", () -> graftsSent(victim) >= n);
        } finally {
            slow.set(false);
        }
        assertEquals(0, victim.gossip.stats().graftsDeferred(), counters(victim).toString());
    }

    /**
     * Makes the victim's gossip thread pause 30 ms on each pass over its timers (a timer that re-arms itself), so
     * that it reads 16 KiB per stream per pass; until the returned flag is cleared.
     */
    private static AtomicBoolean slowDown(JavaNode victim) {
        AtomicBoolean slow = new AtomicBoolean(true);
        GossipLoop loop = victim.gossip.actor().loop;
        Runnable[] pause = new Runnable[1];
        pause[0] = () -> {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (slow.get()) {
                loop.schedule(0, pause[0]);
            }
        };
        assertTrue(victim.gossip.actor().post(() -> loop.schedule(0, pause[0])));
        return slow;
    }

    /** IHave frames announcing {@code ids} (round 1, as from a neighbor one hop closer), 100 entries a frame. */
    private static byte[] ihaveFrames(List<MessageId> ids) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ids.size(); i += 100) {
            List<PlumTreeMessage.IHave.Entry> batch = ids.subList(i, Math.min(ids.size(), i + 100)).stream()
                    .map(id -> new PlumTreeMessage.IHave.Entry(id, 1)).toList();
            out.writeBytes(CODEC.encodeV1Frame(new Message.Gossip<>(new PlumTreeMessage.IHave(batch)), 4096));
        }
        return out.toByteArray();
    }

    private static long graftsSent(JavaNode n) {
        try {
            return counters(n).graftsSent();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A scripted peer that joined the victim's topic on /iroh-gossip/1; its stream stays open for more. */
    private SendStream joinedPeer(JavaNode victim) throws Exception {
        Endpoint e = Endpoint.builder().bindAddr(LOOPBACK).bind();
        closing.add(e);
        Connection c = e.connect(victim.addr(), GossipWire.ALPN_V1);
        SendStream s = c.openUni();
        s.writeAll(HostileGossipPeerTest.concat(GossipWire.streamHeaderFrame(TOPIC),
                CODEC.encodeV1Frame(new Message.Swarm<>(new HyParViewMessage.Join<>(PeerData.EMPTY)), 4096)));
        return s;
    }

    private static void write(SendStream s, byte[] bytes) {
        try {
            s.writeAll(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Topic.Counters counters(JavaNode n) throws Exception {
        CompletableFuture<Topic.Counters> c = new CompletableFuture<>();
        n.gossip.actor().post(() -> c.complete(n.gossip.actor().protocolTopic(TOPIC).counters()));
        return c.get(5, TimeUnit.SECONDS);
    }
}
