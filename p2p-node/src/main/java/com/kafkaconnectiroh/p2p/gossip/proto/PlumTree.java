package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The PlumTree broadcast protocol for one topic (Leitão, Pereira, Rodrigues, SRDS 2007; iroh-gossip
 * {@code proto/plumtree.rs}). Payloads are pushed along a spanning tree of eager links; the other neighbors (lazy
 * links) get only the message ids, batched into IHaves, and graft a missing message from an announcer when the
 * tree failed to deliver it in time. Duplicates prune the link they came over; an IHave that beats the eager
 * copy by {@code optimizationThreshold} rounds rewires the tree.
 *
 * <p>Departures from iroh 0.101, all invisible on the wire: every table has a hard cap; a missing message is
 * grafted up to {@code maxGraftAttempts} times, cycling through its announcers (iroh asks each once, and keeps
 * the entry forever when all fail); the eager/lazy sets only ever hold current neighbors (iroh also adds any peer
 * that grafts or prunes); a neighbor broadcast goes to all neighbors, lazy ones included (iroh sends it to the
 * eager set only); the broadcaster also sends IHaves to its eager peers, so a message whose first-hop payloads
 * are all lost can still be grafted; IHaves from non-neighbors are ignored; IHave batches are flushed as soon as
 * one frame is full; a round received as 65535 is forwarded as 65535 instead of wrapping.
 */
final class PlumTree<P> {
    private record Announcement<P>(P peer, int round) {}

    /** A message we heard of by IHave but have not received. */
    private static final class Missing<P> {
        final ArrayDeque<Announcement<P>> untried = new ArrayDeque<>(2);
        final List<Announcement<P>> tried = new ArrayList<>(2);
        int attempts;
        boolean timerArmed;

        boolean knows(P peer) {
            for (Announcement<P> a : untried) {
                if (a.peer.equals(peer)) {
                    return true;
                }
            }
            for (Announcement<P> a : tried) {
                if (a.peer.equals(peer)) {
                    return true;
                }
            }
            return false;
        }

        int announcers() {
            return untried.size() + tried.size();
        }
    }

    /**
     * What a cached payload costs beyond its content (map node, id, record, array headers), counted against
     * {@code maxCachedBytes} so that many small messages cannot hold much more memory than the cap says.
     */
    static final int CACHE_ENTRY_OVERHEAD = 256;

    private final P me;
    private final PlumTreeConfig config;
    private final TopicIo<P> io;
    private final int maxContentSize;
    private final int ihaveChunk;
    private final long graftTimeout1;
    private final long graftTimeout2;
    private final long dispatchTimeout;
    private final long evictInterval;

    private final LinkedHashSet<P> eager = new LinkedHashSet<>();
    private final LinkedHashSet<P> lazy = new LinkedHashSet<>();
    private final LinkedHashMap<P, List<PlumTreeMessage.IHave.Entry>> lazyQueue = new LinkedHashMap<>();
    private final LinkedHashMap<MessageId, Missing<P>> missing = new LinkedHashMap<>();
    private final ExpiringCache<MessageId, Boolean> received;
    /** Payloads as we forward them (round already advanced), to answer Grafts. */
    private final ExpiringCache<MessageId, PlumTreeMessage.Gossip> cache;
    private boolean dispatchScheduled;
    private boolean evictScheduled;
    /** Announcements held across all missing entries (kept current so inspection is O(1)). */
    private int announcements;

    final Stats stats = new Stats();

    /** Counters for tests and metrics. */
    static final class Stats {
        long payloadsReceived;
        long controlReceived;
        long duplicates;
        long invalidIds;
        long graftsSent;
        long graftsGivenUp;
        long prunesSent;
        long ihavesIgnored;
        long missingDropped;
        int maxDeliveryRound;
    }

    PlumTree(P me, PlumTreeConfig config, TopicIo<P> io, int maxMessageSize) {
        this.me = me;
        this.config = config;
        this.io = io;
        this.maxContentSize = GossipCodec.maxContentSize(maxMessageSize);
        this.ihaveChunk = GossipCodec.maxIHaveEntries(maxMessageSize);
        this.graftTimeout1 = config.graftTimeout1().toNanos();
        this.graftTimeout2 = config.graftTimeout2().toNanos();
        this.dispatchTimeout = config.dispatchTimeout().toNanos();
        this.evictInterval = config.cacheEvictInterval().toNanos();
        this.received = new ExpiringCache<>(config.messageIdRetention().toNanos(), config.maxReceivedIds(),
                Long.MAX_VALUE, v -> 0);
        this.cache = new ExpiringCache<>(config.messageCacheRetention().toNanos(), config.maxCachedMessages(),
                config.maxCachedBytes(), g -> g.content().length + CACHE_ENTRY_OVERHEAD);
    }

    // ---- queries ----

    boolean isNeighbor(P peer) {
        return eager.contains(peer) || lazy.contains(peer);
    }

    LinkedHashSet<P> eagerPeers() {
        return eager;
    }

    LinkedHashSet<P> lazyPeers() {
        return lazy;
    }

    int lazyQueuePeers() {
        return lazyQueue.size();
    }

    int lazyQueueEntries() {
        int n = 0;
        for (List<PlumTreeMessage.IHave.Entry> q : lazyQueue.values()) {
            n += q.size();
        }
        return n;
    }

    int missingCount() {
        return missing.size();
    }

    int missingAnnouncements() {
        return announcements;
    }

    private void forgetMissing(MessageId id) {
        Missing<P> m = missing.remove(id);
        if (m != null) {
            announcements -= m.announcers();
        }
    }

    int receivedIdCount() {
        return received.size();
    }

    int cachedCount() {
        return cache.size();
    }

    long cachedBytes() {
        return cache.weight();
    }

    int ihaveChunk() {
        return ihaveChunk;
    }

    /** Throws if internal bookkeeping disagrees with itself; for tests. */
    void checkInvariants(RandomAccessSet<P> neighbors) {
        int count = 0;
        for (Map.Entry<MessageId, Missing<P>> e : missing.entrySet()) {
            count += e.getValue().announcers();
            if (received.contains(e.getKey())) {
                throw new IllegalStateException("message " + e.getKey().fmtShort() + " is both received and missing");
            }
        }
        if (count != announcements) {
            throw new IllegalStateException("announcement count " + announcements + " but " + count + " held");
        }
        for (P p : eager) {
            if (lazy.contains(p) || !neighbors.contains(p)) {
                throw new IllegalStateException("eager peer " + p + " is lazy too or no neighbor");
            }
        }
        for (P p : lazy) {
            if (!neighbors.contains(p)) {
                throw new IllegalStateException("lazy peer " + p + " is no neighbor");
            }
        }
        if (eager.size() + lazy.size() != neighbors.size()) {
            throw new IllegalStateException("eager " + eager + " + lazy " + lazy + " != neighbors " + neighbors.snapshot());
        }
    }

    // ---- inputs ----

    void ensureEvictScheduled() {
        if (!evictScheduled) {
            evictScheduled = true;
            io.schedule(evictInterval, Timer.Kind.EVICT_CACHE, null, null);
        }
    }

    void neighborUp(P peer) {
        // New neighbors start eager (paper: the eager set is initialised with the membership's neighbors).
        lazy.remove(peer);
        eager.add(peer);
    }

    void neighborDown(P peer) {
        eager.remove(peer);
        lazy.remove(peer);
        lazyQueue.remove(peer);
    }

    /** A local broadcast; {@code content} must fit one frame. */
    void broadcast(byte[] content, Scope scope, long now) {
        if (content.length > maxContentSize) {
            throw new IllegalArgumentException("broadcast of " + content.length
                    + " bytes exceeds the largest content that fits a gossip frame, " + maxContentSize + " bytes");
        }
        MessageId id = MessageId.ofContent(content);
        if (scope == Scope.NEIGHBORS) {
            PlumTreeMessage.Gossip g = new PlumTreeMessage.Gossip(id, content, DeliveryScope.NEIGHBORS);
            for (P p : eager) {
                io.send(p, Message.gossip(g));
            }
            for (P p : lazy) {
                io.send(p, Message.gossip(g));
            }
            return;
        }
        PlumTreeMessage.Gossip g = new PlumTreeMessage.Gossip(id, content, new DeliveryScope.Swarm(0));
        received.put(id, Boolean.TRUE, now);
        cache.put(id, g, now);
        forgetMissing(id);
        eagerPush(g, null);
        lazyPush(id, 0, null);
        // Only we know the message yet: if every first-hop payload were lost, no one could ever graft it. So
        // the eager peers get an IHave too (ignored by whoever has the payload). iroh announces to lazy peers
        // only; the extra entries are ordinary IHaves on the wire.
        for (P p : eager) {
            queueIHave(p, new PlumTreeMessage.IHave.Entry(id, 0));
        }
    }

    void onMessage(P from, PlumTreeMessage message, long now) {
        if (message instanceof PlumTreeMessage.Gossip g) {
            stats.payloadsReceived++;
            onGossip(from, g, now);
            return;
        }
        stats.controlReceived++;
        if (message instanceof PlumTreeMessage.Prune) {
            if (isNeighbor(from)) {
                moveToLazy(from);
            }
        } else if (message instanceof PlumTreeMessage.Graft graft) {
            onGraft(from, graft);
        } else {
            onIHave(from, ((PlumTreeMessage.IHave) message).entries());
        }
    }

    void onDispatchTimer() {
        dispatchScheduled = false;
        for (Map.Entry<P, List<PlumTreeMessage.IHave.Entry>> e : lazyQueue.entrySet()) {
            if (!e.getValue().isEmpty()) {
                io.send(e.getKey(), Message.gossip(new PlumTreeMessage.IHave(e.getValue())));
            }
        }
        lazyQueue.clear();
    }

    void onEvictTimer(long now) {
        evictScheduled = false;
        received.expire(now);
        cache.expire(now);
        ensureEvictScheduled();
    }

    void onGraftTimer(MessageId id) {
        Missing<P> m = missing.get(id);
        if (m == null) {
            return;
        }
        m.timerArmed = false;
        if (received.contains(id)) {
            forgetMissing(id);
            return;
        }
        Announcement<P> next = nextAnnouncer(m);
        if (next == null || m.attempts >= config.maxGraftAttempts()) {
            forgetMissing(id);
            stats.graftsGivenUp++;
            return;
        }
        m.attempts++;
        m.tried.add(next);
        announcements++;
        // Paper p. 8: grafting makes the link eager, so the tree heals around the failure.
        moveToEager(next.peer);
        stats.graftsSent++;
        io.send(next.peer, Message.gossip(new PlumTreeMessage.Graft(id, next.round)));
        // Paper p. 9: if this Graft goes unanswered, ask the next announcer after a shorter timeout.
        m.timerArmed = true;
        io.schedule(graftTimeout2, Timer.Kind.SEND_GRAFT, null, id);
    }

    /** The next announcer that is still a neighbor: untried ones first, then the tried ones again in turn. */
    private Announcement<P> nextAnnouncer(Missing<P> m) {
        // The returned announcement leaves the counts here; the caller puts it back into tried.
        while (!m.untried.isEmpty()) {
            Announcement<P> a = m.untried.poll();
            announcements--;
            if (isNeighbor(a.peer)) {
                return a;
            }
        }
        Iterator<Announcement<P>> it = m.tried.iterator();
        while (it.hasNext()) {
            if (!isNeighbor(it.next().peer)) {
                it.remove();
                announcements--;
            }
        }
        if (m.tried.isEmpty()) {
            return null;
        }
        m.untried.addAll(m.tried);
        m.tried.clear();
        announcements--;
        return m.untried.poll();
    }

    // ---- handlers ----

    private void onGossip(P from, PlumTreeMessage.Gossip g, long now) {
        if (!g.id().matches(g.content())) {
            // Spoofed or corrupted: the id must be the BLAKE3 of the content (iroh Gossip::validate).
            stats.invalidIds++;
            return;
        }
        if (!(g.scope() instanceof DeliveryScope.Swarm swarm)) {
            io.emit(new Event.Received<>(g.content(), from, g.scope()));
            return;
        }
        if (received.contains(g.id())) {
            // Paper p. 7: a duplicate means the link is redundant for the tree.
            stats.duplicates++;
            if (isNeighbor(from)) {
                moveToLazy(from);
                stats.prunesSent++;
                io.send(from, Message.gossip(PlumTreeMessage.PRUNE));
            }
            return;
        }
        received.put(g.id(), Boolean.TRUE, now);
        DeliveryScope.Swarm nextScope = swarm.next();
        PlumTreeMessage.Gossip forward = new PlumTreeMessage.Gossip(g.id(), g.content(), nextScope);
        cache.put(g.id(), forward, now);
        eagerPush(forward, from);
        lazyPush(g.id(), nextScope.round(), from);
        Missing<P> m = missing.remove(g.id());
        if (m != null) {
            announcements -= m.announcers();
            optimizeTree(from, nextScope.round(), m);
        }
        stats.maxDeliveryRound = Math.max(stats.maxDeliveryRound, swarm.round());
        io.emit(new Event.Received<>(g.content(), from, swarm));
    }

    /**
     * Paper p. 8-9: if an announcer was at least {@code optimizationThreshold} rounds closer to the origin than the
     * path the payload took, graft that announcer (without a message id) and prune the payload's sender.
     */
    private void optimizeTree(P sender, int round, Missing<P> m) {
        Announcement<P> best = null;
        for (Announcement<P> a : m.untried) {
            if (isNeighbor(a.peer) && (best == null || a.round < best.round)) {
                best = a;
            }
        }
        for (Announcement<P> a : m.tried) {
            if (isNeighbor(a.peer) && (best == null || a.round < best.round)) {
                best = a;
            }
        }
        if (best == null || best.round >= round || round - best.round < config.optimizationThreshold()) {
            return;
        }
        if (!eager.contains(best.peer)) {
            moveToEager(best.peer);
            io.send(best.peer, Message.gossip(new PlumTreeMessage.Graft(null, best.round)));
        }
        if (isNeighbor(sender) && !sender.equals(best.peer)) {
            moveToLazy(sender);
            stats.prunesSent++;
            io.send(sender, Message.gossip(PlumTreeMessage.PRUNE));
        }
    }

    private void onGraft(P from, PlumTreeMessage.Graft graft) {
        if (isNeighbor(from)) {
            moveToEager(from);
        }
        if (graft.id() != null) {
            PlumTreeMessage.Gossip g = cache.get(graft.id());
            if (g != null) {
                io.send(from, Message.gossip(g));
            }
        }
    }

    private void onIHave(P from, List<PlumTreeMessage.IHave.Entry> entries) {
        if (!isNeighbor(from)) {
            // Only neighbors announce to us; anyone else would make us graft from a stranger.
            stats.ihavesIgnored++;
            return;
        }
        for (PlumTreeMessage.IHave.Entry e : entries) {
            if (received.contains(e.id())) {
                continue;
            }
            Missing<P> m = missing.get(e.id());
            if (m == null) {
                if (missing.size() >= config.maxMissingMessages()) {
                    stats.missingDropped++;
                    continue;
                }
                m = new Missing<>();
                missing.put(e.id(), m);
            }
            if (m.announcers() < config.maxAnnouncersPerMessage() && !m.knows(from)) {
                m.untried.add(new Announcement<>(from, e.round()));
                announcements++;
            }
            if (!m.timerArmed) {
                // Paper p. 8: give the eager path this long before asking.
                m.timerArmed = true;
                io.schedule(graftTimeout1, Timer.Kind.SEND_GRAFT, null, e.id());
            }
        }
    }

    // ---- pushing ----

    private void eagerPush(PlumTreeMessage.Gossip g, P except) {
        Message<P> m = Message.gossip(g);
        for (P p : eager) {
            if (!p.equals(except) && !p.equals(me)) {
                io.send(p, m);
            }
        }
    }

    private void lazyPush(MessageId id, int round, P except) {
        if (lazy.isEmpty()) {
            return;
        }
        PlumTreeMessage.IHave.Entry entry = new PlumTreeMessage.IHave.Entry(id, round);
        for (P p : lazy) {
            if (!p.equals(except)) {
                queueIHave(p, entry);
            }
        }
    }

    private void queueIHave(P peer, PlumTreeMessage.IHave.Entry entry) {
        List<PlumTreeMessage.IHave.Entry> q = lazyQueue.computeIfAbsent(peer, k -> new ArrayList<>());
        q.add(entry);
        if (q.size() >= ihaveChunk) {
            // A full frame's worth: send now rather than let the queue grow until the timer.
            io.send(peer, Message.gossip(new PlumTreeMessage.IHave(q)));
            q.clear();
        }
        if (!dispatchScheduled) {
            dispatchScheduled = true;
            io.schedule(dispatchTimeout, Timer.Kind.DISPATCH_LAZY_PUSH, null, null);
        }
    }

    private void moveToEager(P peer) {
        lazy.remove(peer);
        eager.add(peer);
    }

    private void moveToLazy(P peer) {
        eager.remove(peer);
        lazy.add(peer);
    }
}
