package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.ConnectionStats.FrameStats;
import org.junit.jupiter.api.Test;

/** The grouped connection stats: what one side counts as sent, the other counts as received. */
class ConnectionStatsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void onALosslessNetworkEveryFrameSentIsCountedOnceOnEachSide() {
        Pair p = new Pair(51, new TransportConfig(), new TransportConfig()).establish();
        p.sim.runFor(SECOND);
        ConnectionStats clientBefore = p.client.stats();
        ConnectionStats serverBefore = p.server.stats();

        // more than a stream receive window: the server raises it as it reads
        Patterns.Reader[] r = p.stream(p.client, true, 4L << 20);
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 60 * SECOND);
        assertNull(r[0].error);
        p.sim.runFor(2 * SECOND); // the last ACKs arrive
        ConnectionStats client = p.client.stats();
        ConnectionStats server = p.server.stats();

        FrameStats sent = minus(client.frameTx(), clientBefore.frameTx());
        FrameStats received = minus(server.frameRx(), serverBefore.frameRx());
        assertTrue(sent.stream() >= (4L << 20) / 1500, "STREAM frames sent: " + sent);
        assertEquals(sent, received, "what the client sent is what the server received");
        FrameStats acksBack = minus(server.frameTx(), serverBefore.frameTx());
        assertEquals(acksBack, minus(client.frameRx(), clientBefore.frameRx()), "and the other way");
        assertTrue(acksBack.ack() > 0 && acksBack.maxStreamData() + acksBack.maxData() > 0, acksBack.toString());
        assertEquals(client.udpTx().datagrams() - clientBefore.udpTx().datagrams(),
                server.udpRx().datagrams() - serverBefore.udpRx().datagrams());
        assertEquals(client.bytesSent(), client.udpTx().bytes(), "the flat accessors read the groups");
        assertEquals(client.smoothedRtt(), client.path().smoothedRtt());
    }

    private static FrameStats minus(FrameStats a, FrameStats b) {
        return new FrameStats(a.ack() - b.ack(), a.crypto() - b.crypto(), a.stream() - b.stream(),
                a.ping() - b.ping(), a.resetStream() - b.resetStream(), a.stopSending() - b.stopSending(),
                a.newToken() - b.newToken(), a.maxData() - b.maxData(), a.maxStreamData() - b.maxStreamData(),
                a.maxStreams() - b.maxStreams(), a.dataBlocked() - b.dataBlocked(),
                a.streamDataBlocked() - b.streamDataBlocked(), a.streamsBlocked() - b.streamsBlocked(),
                a.newConnectionId() - b.newConnectionId(), a.retireConnectionId() - b.retireConnectionId(),
                a.pathChallenge() - b.pathChallenge(), a.pathResponse() - b.pathResponse(),
                a.connectionClose() - b.connectionClose(), a.handshakeDone() - b.handshakeDone(),
                a.datagram() - b.datagram());
    }
}
