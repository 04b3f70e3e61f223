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
            return;
        }
        pump();
    }

    void enqueue(byte[] frame) {
        queue.add(frame);
        link.queuedBytes += frame.length;
        pump();
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
        link.writerDone(this);
        link.actor.sendQueueDrained();
    }
}
