package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageTooLargeException;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gossip connection to a peer, in either wire version (loop thread only).
 *
 * <ul>
 *   <li>{@code /iroh-gossip/0} (iroh 0.35): one bidirectional stream; the dialer opens it and writes first; every
 *       frame is {@code {topic, message}}.</li>
 *   <li>{@code /iroh-gossip/1} (iroh 0.90+): one unidirectional stream per topic and direction, opened with a
 *       {@code StreamHeader{topic}} frame, then bare messages; the stream is finished after a Disconnect. The peer
 *       may open and finish streams at any time; a finished stream is not a failure.</li>
 * </ul>
 *
 * <p>Ending (iroh-gossip {@code net.rs::connection_loop}): when the protocol no longer sends on this connection
 * ({@link #stopSending}: replaced by a newer connection, or the peer was disconnected), every send stream is
 * flushed and finished; once the peer acknowledged that and has finished its own streams, we close with code 0
 * "close from disconnect". A peer that never finishes, and sends nothing for {@link Gossip.Builder#linger}, gets
 * closed anyway.
 * Malformed or oversized frames close the connection at once with {@link GossipCloseCodes}.
 */
final class Link {
    private static final Logger LOG = LoggerFactory.getLogger(Link.class);

    final GossipActor actor;
    final GossipActor.PeerState peer;
    final Connection conn;
    final boolean v1;
    final boolean dialer;
    /** Encoded bytes queued on this connection and not yet taken by the transport. */
    long queuedBytes;

    private boolean sending = true;
    private boolean closed;
    private boolean failing;
    /** Writers whose stream is not yet finished and acknowledged. */
    private final List<FrameWriter> writers = new ArrayList<>(2);
    private FrameWriter v0Writer;
    private final HashMap<TopicId, FrameWriter> topicWriters;
    private int openReaders;
    private int endedReaders;
    /** After we stopped sending, how long a peer that opened no stream gets before we close. */
    private static final long QUIET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private boolean quietPassed;
    /** When the peer last sent us a frame here (the linger timer spares a connection the peer still uses). */
    private long lastFrameNanos = System.nanoTime();

    Link(GossipActor actor, GossipActor.PeerState peer, Connection conn, boolean v1, boolean dialer) {
        this.actor = actor;
        this.peer = peer;
        this.conn = conn;
        this.v1 = v1;
        this.dialer = dialer;
        this.topicWriters = v1 ? new HashMap<>(4) : null;
    }

    void start() {
        LOG.debug("{}: {} started", actor.me().fmtShort(), this);
        conn.closed().whenComplete((why, err) -> actor.post(() -> onClosed(why)));
        if (v1) {
            acceptUni();
            return;
        }
        v0Writer = new FrameWriter(this, null);
        writers.add(v0Writer);
        CompletableFuture<BiStream> f = dialer ? conn.openBiAsync() : conn.acceptBiAsync();
        f.whenComplete((bi, err) -> {
            if (!actor.post(() -> onBiStream(bi, err)) && bi != null) {
                bi.send().reset(0);
            }
        });
    }

    private void onBiStream(BiStream bi, Throwable err) {
        if (err != null || bi == null) {
            return; // the connection ended; onClosed reports it
        }
        if (isDead()) {
            bi.send().reset(0);
            return;
        }
        v0Writer.attach(bi.send());
        startReader(bi.recv());
    }

    private void acceptUni() {
        conn.acceptUniAsync().whenComplete((rs, err) -> actor.post(() -> onUniStream(rs, err)));
    }

    private void onUniStream(RecvStream rs, Throwable err) {
        if (err != null || rs == null) {
            return;
        }
        if (isDead()) {
            rs.stop(0);
            return;
        }
        startReader(rs);
        acceptUni();
    }

    private void startReader(RecvStream rs) {
        openReaders++;
        new FrameReader(this, rs, actor.maxMessageSize()).start();
    }

    boolean isDead() {
        return closed || failing;
    }

    // ---- sending ----

    /**
     * Queues {@code message}; {@code receipt} (null if untracked) already counts the push to this peer, and hears
     * whether the peer acknowledged the frame.
     */
    void send(TopicId topic, Message<EndpointId> message, BroadcastReceipt receipt) {
        if (isDead()) {
            if (receipt != null) {
                receipt.unacked(peer.id);
            }
            return; // the close is (or will be) reported by onClosed
        }
        byte[] frame;
        try {
            frame = v1 ? actor.codec.encodeV1Frame(message, actor.maxMessageSize())
                    : actor.codec.encodeV0Frame(topic, message, actor.maxMessageSize());
        } catch (MessageTooLargeException e) {
            LOG.warn("{}: not sending to {}: {}", actor.me().fmtShort(), peer.id.fmtShort(), e.getMessage());
            if (receipt != null) {
                receipt.unacked(peer.id);
            }
            return;
        }
        FrameWriter w;
        if (v1) {
            w = topicWriters.get(topic);
            if (w == null) {
                w = new FrameWriter(this, topic);
                topicWriters.put(topic, w);
                writers.add(w);
                w.open();
            }
        } else {
            w = v0Writer;
        }
        actor.counters.messagesSent++;
        w.enqueue(frame, receipt);
        if (v1 && message.isDisconnect()) {
            // the topic's last message on this connection: finish its stream (a later one opens a new stream)
            topicWriters.remove(topic);
            w.finishAfterFlush();
        }
        if (queuedBytes > actor.settings.maxQueuedBytes()) {
            actor.counters.queueOverflows++;
            fail(GossipCloseCodes.SEND_QUEUE_OVERFLOW, "send queue overflow: " + queuedBytes
                    + " bytes wait for a peer that does not read");
        }
    }

    /** Stops sending on this connection: flush and finish every stream, then close once the peer is done too. */
    void stopSending() {
        if (!sending) {
            return;
        }
        sending = false;
        LOG.debug("{}: {} stops sending ({} writers, {} readers open, {} ended)", actor.me().fmtShort(), this,
                writers.size(), openReaders, endedReaders);
        if (v1) {
            for (FrameWriter w : topicWriters.values()) {
                w.finishAfterFlush();
            }
            topicWriters.clear();
        } else {
            v0Writer.finishAfterFlush();
        }
        armLinger(actor.settings.lingerNanos());
        // A peer that never opened a stream here may have nothing to finish: give it a moment, then close.
        actor.loop.schedule(QUIET_NANOS, () -> {
            quietPassed = true;
            maybeClose();
        });
        maybeClose();
    }

    /** Closes the connection once the peer has sent nothing on it for the linger time (and it is still open). */
    private void armLinger(long delay) {
        actor.loop.schedule(delay, () -> {
            if (isDead()) {
                return;
            }
            long idle = System.nanoTime() - lastFrameNanos;
            long linger = actor.settings.lingerNanos();
            if (idle < linger) {
                armLinger(linger - idle);
            } else {
                closeNormally();
            }
        });
    }

    void writerDone(FrameWriter w) {
        writers.remove(w);
        LOG.debug("{}: {} stream finished and acknowledged ({} left)", actor.me().fmtShort(), this, writers.size());
        maybeClose();
    }

    // ---- receiving ----

    /** One frame body from {@code reader}'s stream. */
    void frame(FrameReader reader, byte[] body) throws PostcardException {
        lastFrameNanos = System.nanoTime();
        if (v1) {
            if (reader.topic == null) {
                reader.topic = GossipCodec.decodeStreamHeader(body);
                return;
            }
            Message<EndpointId> m = actor.codec.decode(body);
            reader.notePayload(m);
            actor.received(peer.id, reader.topic, m);
        } else {
            GossipCodec.Addressed<EndpointId> a = actor.codec.decodeV0Body(body);
            reader.notePayload(a.message());
            actor.received(peer.id, a.topic(), a.message());
        }
    }

    void readerEnded(FrameReader r) {
        openReaders--;
        endedReaders++;
        LOG.debug("{}: {} peer finished a stream ({} open)", actor.me().fmtShort(), this, openReaders);
        maybeClose();
    }

    // ---- ending ----

    /**
     * Both directions are done: our streams are finished and acknowledged, and the peer finished its own (or
     * opened none within a second of our finishing).
     */
    private void maybeClose() {
        if (!isDead() && !sending && writers.isEmpty() && openReaders == 0 && (endedReaders > 0 || quietPassed)) {
            closeNormally();
        }
    }

    private void closeNormally() {
        failing = true;
        conn.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_NORMAL);
    }

    /** Drops the peer: malformed input, or it does not take what we send. */
    void fail(long code, String reason) {
        if (isDead()) {
            return;
        }
        failing = true;
        if (code == GossipCloseCodes.PROTOCOL_VIOLATION || code == GossipCloseCodes.FRAME_TOO_LARGE) {
            actor.counters.protocolErrors++;
        }
        LOG.info("{}: closing gossip connection to {}: {}", actor.me().fmtShort(), peer.id.fmtShort(), reason);
        conn.close(code, "gossip: " + reason);
    }

    private void onClosed(ConnectionClose why) {
        if (closed) {
            return;
        }
        closed = true;
        for (FrameWriter w : new ArrayList<>(writers)) {
            w.connectionEnded();
        }
        actor.linkClosed(this, why);
    }

    @Override
    public String toString() {
        return "Link[" + peer.id.fmtShort() + " " + conn.alpn() + (dialer ? " dialed" : " accepted")
                + (sending ? "" : " draining") + (closed ? " closed" : "") + "]";
    }
}
