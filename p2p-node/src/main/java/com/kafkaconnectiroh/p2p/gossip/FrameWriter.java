package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The sending side of one gossip stream (loop thread only): frames queue here and go to the transport one
 * gathered write at a time, so a burst of small messages becomes a few large writes. At most one write is in
 * flight; the next starts when the transport has taken the previous one (QUIC's send buffer is the
 * backpressure, {@link Link} bounds what waits here).
 *
 * <p>Delivery tracking: a frame that pushes a tracked broadcast's payload is noted with its end offset in the
 * stream (frames are written in order, so that is the bytes enqueued so far). One
 * {@link SendStream#acked(long)} waiter at a time asks for the oldest noted offset; when it completes, every
 * frame below the acknowledged offset counts as acknowledged by the peer, and the next one is asked for. When the
 * stream's sending half ends (finished, stopped, the connection closed or cut) the waiter completes with the final
 * acknowledged offset and the frames beyond it are unacknowledged, for good. Two parallel ring arrays, no object per
 * frame.
 */
final class FrameWriter {
    /** Gathered write size: many frames per transport write, one reused buffer per stream. */
    private static final int GATHER = 64 * 1024;

    private final Link link;
    /** {@code /iroh-gossip/1}: the topic of this uni stream; null for the {@code /0} bi stream. */
    final TopicId topic;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private SendStream stream;
    private ByteBuffer buf;
    private int inflight;
    private boolean writing;
    private boolean finishRequested;
    private boolean finished;
    private boolean done;
    /** Stream offset after the last enqueued frame (the header included). */
    private long enqueuedEnd;
    /** Tracked frames waiting for the peer's acknowledgement, oldest first: end offset and receipt. */
    private long[] ackEnds = new long[0];
    private BroadcastReceipt[] ackOwners = new BroadcastReceipt[0];
    private int ackHead;
    private int ackSize;
    /** The offset the current {@link SendStream#acked} waiter asked for; -1 when none waits. */
    private long ackAsked = -1;

    FrameWriter(Link link, TopicId topic) {
        this.link = link;
        this.topic = topic;
        if (topic != null) {
            enqueue(GossipWire.streamHeaderFrame(topic));
        }
    }

    /** {@code /1}: opens the topic's uni stream (waiting for stream credit if need be). */
    void open() {
        link.conn.openUniAsync().whenComplete((s, err) -> {
            if (!link.actor.post(() -> opened(s, err)) && s != null) {
                s.reset(0);
            }
        });
    }

    private void opened(SendStream s, Throwable err) {
        if (err != null || s == null) {
            markDone(); // the connection is gone
            return;
        }
        attach(s);
    }

    void attach(SendStream s) {
        stream = s;
        if (done) {
            s.finish();
            unackedAll(); // nothing was written on it
            return;
        }
        askAck();
        pump();
    }

    void enqueue(byte[] frame) {
        enqueue(frame, null);
    }

    /** Queues {@code frame}; if it carries a tracked broadcast, the peer's acknowledgement goes to {@code receipt}. */
    void enqueue(byte[] frame, BroadcastReceipt receipt) {
        queue.add(frame);
        link.queuedBytes += frame.length;
        enqueuedEnd += frame.length;
        if (receipt != null) {
            noteTracked(enqueuedEnd, receipt);
        }
        pump();
    }

    // ---- acknowledgements ----

    private void noteTracked(long end, BroadcastReceipt receipt) {
        if (ackSize == ackEnds.length) {
            int cap = Math.max(16, ackEnds.length * 2);
            long[] ends = new long[cap];
            BroadcastReceipt[] owners = new BroadcastReceipt[cap];
            for (int i = 0; i < ackSize; i++) {
                int j = (ackHead + i) % ackEnds.length;
                ends[i] = ackEnds[j];
                owners[i] = ackOwners[j];
            }
            ackEnds = ends;
            ackOwners = owners;
            ackHead = 0;
        }
        int tail = (ackHead + ackSize) % ackEnds.length;
        ackEnds[tail] = end;
        ackOwners[tail] = receipt;
        ackSize++;
        askAck();
    }

    /** Asks the stream for the oldest tracked frame's acknowledgement, unless a waiter is out already. */
    private void askAck() {
        if (ackSize == 0 || ackAsked >= 0 || stream == null) {
            return;
        }
        long want = ackEnds[ackHead];
        ackAsked = want;
        // if the gossip has stopped meanwhile, its shutdown decided every receipt already
        stream.acked(want).whenComplete((acked, err) -> link.actor.post(() -> onAcked(want, acked, err)));
    }

    private void onAcked(long asked, Long acked, Throwable err) {
        ackAsked = -1;
        long upTo = err != null ? -1 : acked;
        while (ackSize > 0 && ackEnds[ackHead] <= upTo) {
            BroadcastReceipt r = ackOwners[ackHead];
            ackOwners[ackHead] = null;
            ackHead = (ackHead + 1) % ackEnds.length;
            ackSize--;
            r.acked(link.peer.id);
        }
        if (upTo < asked) {
            unackedAll(); // the sending half is over (or the endpoint closed): nothing more will be acknowledged
        } else {
            askAck();
        }
    }

    /** The rest of the tracked frames will never be acknowledged. */
    private void unackedAll() {
        while (ackSize > 0) {
            BroadcastReceipt r = ackOwners[ackHead];
            ackOwners[ackHead] = null;
            ackHead = (ackHead + 1) % ackEnds.length;
            ackSize--;
            r.unacked(link.peer.id);
        }
    }

    /**
     * The connection ended: a stream's waiter completes with what was acknowledged before; frames that never got
     * a stream are unacknowledged now.
     */
    void connectionEnded() {
        if (stream == null) {
            unackedAll();
        } else {
            askAck();
        }
    }

    /** Send what is queued, then FIN; done once the peer acknowledged everything. */
    void finishAfterFlush() {
        finishRequested = true;
        if (stream == null && queue.isEmpty()) {
            markDone(); // nothing was ever sent here
            return;
        }
        pump();
    }

    private void pump() {
        if (stream == null || writing || done || link.isDead()) {
            return;
        }
        if (queue.isEmpty()) {
            if (finishRequested && !finished) {
                finished = true;
                stream.finish();
                stream.stopped().whenComplete((code, err) -> link.actor.post(this::markDone));
            }
            return;
        }
        ByteBuffer out;
        byte[] first = queue.peek();
        if (first.length > GATHER) {
            out = ByteBuffer.wrap(queue.poll());
        } else {
            if (buf == null) {
                buf = ByteBuffer.allocate(GATHER);
            }
            buf.clear();
            while (!queue.isEmpty() && queue.peek().length <= buf.remaining()) {
                buf.put(queue.poll());
            }
            buf.flip();
            out = buf;
        }
        inflight = out.remaining();
        writing = true;
        stream.writeAllAsync(out).whenComplete((v, err) -> link.actor.post(() -> written(err)));
    }

    private void written(Throwable err) {
        writing = false;
        link.queuedBytes -= inflight;
        inflight = 0;
        if (err != null) {
            markDone(); // stopped by the peer or the connection is gone
            return;
        }
        pump();
        link.actor.sendQueueDrained();
    }

    private void markDone() {
        if (done) {
            return;
        }
        done = true;
        for (byte[] f : queue) {
            link.queuedBytes -= f.length;
        }
        queue.clear();
        buf = null;
        // What was written is settled by the stream's final acknowledged offset; frames never written are beyond it.
        if (stream == null) {
            unackedAll();
        } else {
            askAck();
        }
        link.writerDone(this);
        link.actor.sendQueueDrained();
    }
}
