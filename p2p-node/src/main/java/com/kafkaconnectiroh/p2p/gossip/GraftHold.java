package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.Timer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Holds PlumTree's graft timers while this node is behind on reading payloads (loop thread only).
 *
 * <p>A graft timer fires when a message announced by IHave has not arrived within 80 ms; the wait is meant to
 * measure the network. When this node is the slow one, the payload is usually queued in its own receive buffer or
 * in the sender's queue behind it, and a graft only asks for a duplicate that the sender queues behind the same
 * backlog. With a publisher faster than its subscribers that fed on itself (grafts, duplicates, prunes, more
 * grafts) until the tree came apart and messages were lost. So while a stream that carries payloads is backlogged
 * (its last read filled the buffer), and for a graft timeout after, graft timers wait here; 2 s at most. A backlog
 * of IHaves alone holds nothing: no payload is on its way behind it.
 */
final class GraftHold {
    /** Reads must have found no backlog this long (PlumTree's first graft timeout) before held timers go. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(80);
    /** A timer is never held longer than this: a payload really lost must still be grafted. */
    private static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private record Held(Timer<EndpointId> timer, long until) {}

    private final GossipLoop loop;
    private final Consumer<Timer<EndpointId>> fire;
    /** Oldest first, so also by {@code until}. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean sweepArmed;
    /** Readers whose last read filled their buffer and carried payloads. */
    private int readersBehind;
    /** When a read last found a backlog, or a reader last stopped being behind. */
    private long lastBehindNanos;
    private long deferred;

    GraftHold(GossipLoop loop, Consumer<Timer<EndpointId>> fire) {
        this.loop = loop;
        this.fire = fire;
        this.lastBehindNanos = System.nanoTime() - QUIET_NANOS; // not behind before the first read
    }

    /** A graft timer is due: fired now, or held while this node is behind. */
    void due(Timer<EndpointId> timer) {
        long now = System.nanoTime();
        if (!behind(now)) {
            fire.accept(timer);
            return;
        }
        deferred++;
        held.add(new Held(timer, now + MAX_HOLD_NANOS));
        if (!sweepArmed) {
            sweepArmed = true;
            loop.schedule(SWEEP_NANOS, this::sweep);
        }
    }

    /** Told by each reader after each read: whether it is behind now (full read with payloads) and was before. */
    void reader(boolean now, boolean before) {
        if (now || before) {
            lastBehindNanos = System.nanoTime();
        }
        if (now != before) {
            readersBehind += now ? 1 : -1;
        }
    }

    /** Graft timers held so far. */
    long deferred() {
        return deferred;
    }

    private boolean behind(long now) {
        return readersBehind > 0 || now - lastBehindNanos < QUIET_NANOS;
    }

    private void sweep() {
        sweepArmed = false;
        long now = System.nanoTime();
        boolean all = !behind(now);
        Held h;
        while ((h = held.peekFirst()) != null && (all || h.until() - now <= 0)) {
            held.pollFirst();
            fire.accept(h.timer());
        }
        if (!held.isEmpty()) {
            sweepArmed = true;
            loop.schedule(SWEEP_NANOS, this::sweep);
        }
    }
}
