package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.gossip.proto.FrameDecoder;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.ByteBuffer;

/**
 * The receiving side of one gossip stream (loop thread only): one read in flight at a time, its bytes cut into
 * frames by a bounded {@link FrameDecoder} and handed to the {@link Link} on the gossip thread. Until the loop
 * has handled a chunk no further read is issued, so a slow loop slows the peer through QUIC flow control instead
 * of buffering here.
 */
final class FrameReader {
    private static final int CHUNK = 16 * 1024;

    private final Link link;
    private final RecvStream stream;
    private final FrameDecoder decoder;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    /** {@code /iroh-gossip/1}: set by the stream's first frame (the header); stays null on {@code /0}. */
    TopicId topic;
    private boolean ended;
    /**
     * The last read filled the buffer and carried payloads: this peer pushes messages to us and the stream likely
     * holds more of them (see {@link GraftHold}).
     */
    private boolean behind;
    /** The read being handled carried a payload (a PlumTree Gossip message). */
    private boolean payloadInRead;

    FrameReader(Link link, RecvStream stream, int maxMessageSize) {
        this.link = link;
        this.stream = stream;
        this.decoder = new FrameDecoder(maxMessageSize);
    }

    void start() {
        read();
    }

    private void read() {
        buf.clear();
        stream.readAsync(buf).whenComplete((n, err) -> link.actor.post(() -> onRead(n, err)));
    }

    private void onRead(Integer n, Throwable err) {
        boolean backlog = false;
        try {
            backlog = handleRead(n, err);
        } finally {
            // Only now, with this read's frames handled: a payload in them must not count as missing.
            link.actor.readerBehind(backlog, behind);
            behind = backlog;
        }
    }

    /** Handles one completed read; true if it filled the buffer and carried payloads (more likely waiting). */
    private boolean handleRead(Integer n, Throwable err) {
        if (link.isDead() || ended) {
            return false;
        }
        if (err != null) {
            end(); // reset by the peer (a stream-level matter) or the connection ended (reported by the link)
            return false;
        }
        if (n < 0) {
            if (!decoder.atFrameBoundary()) {
                link.fail(GossipCloseCodes.PROTOCOL_VIOLATION, "stream ended inside a frame ("
                        + decoder.bufferedBytes() + " bytes of it received)");
                return false;
            }
            end();
            return false;
        }
        buf.flip();
        payloadInRead = false;
        try {
            byte[] body;
            while ((body = decoder.next(buf)) != null) {
                link.frame(this, body);
                if (link.isDead()) {
                    return false;
                }
            }
        } catch (PostcardException e) {
            link.fail(decoder.rejectedOversized() ? GossipCloseCodes.FRAME_TOO_LARGE : GossipCloseCodes.PROTOCOL_VIOLATION,
                    e.getMessage());
            return false;
        }
        read(); // completes on the loop later, after this read's backlog state is recorded
        return n == buf.capacity() && payloadInRead;
    }

    /** Told by the link of each message this reader decoded. */
    void notePayload(Message<EndpointId> m) {
        if (m instanceof Message.Gossip<EndpointId> g && g.body() instanceof PlumTreeMessage.Gossip) {
            payloadInRead = true;
        }
    }

    private void end() {
        if (!ended) {
            ended = true;
            link.readerEnded(this);
        }
    }
}
