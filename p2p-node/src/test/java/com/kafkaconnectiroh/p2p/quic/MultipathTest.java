package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * QUIC multipath between two Java cores on the simulated network. Each node has a direct address (10.0.0.x) and
 * one behind a "relay" (10.99.0.x, routed straight through here: for the core a relay path is just another remote
 * address, which the driver names as relay). The connection is dialled through the relay, so path 0 is the relay
 * path, as when iroh dials by relay URL.
 */
class MultipathTest {
    private static final long SECOND = 1_000_000_000L;
    static final InetSocketAddress SERVER_DIRECT = new InetSocketAddress("10.0.0.1", 4433);
    static final InetSocketAddress CLIENT_DIRECT = new InetSocketAddress("10.0.0.2", 5000);
    static final InetSocketAddress SERVER_RELAY = new InetSocketAddress("10.99.0.1", 4433);
    static final InetSocketAddress CLIENT_RELAY = new InetSocketAddress("10.99.0.2", 5000);

    static TransportConfig multipath() {
        return new TransportConfig().maxPathId(7).natTraversalAddresses(32);
    }

    static boolean relay(InetSocketAddress a) {
        return a.getAddress().getAddress()[1] == 99;
    }

    /** Client and server with both configs, connected through the relay addresses. */
    static Pair overRelay(long seed, TransportConfig clientConfig, TransportConfig serverConfig) {
        Sim sim = new Sim(seed);
        Sim.Node server = sim.server(serverConfig, new EndpointConfig(), 4433);
        Sim.Node client = sim.client(clientConfig, 5000);
        sim.alias(server, SERVER_RELAY);
        sim.alias(client, CLIENT_RELAY);
        server.sourceFor.put(CLIENT_RELAY, SERVER_RELAY);
        client.sourceFor.put(SERVER_RELAY, CLIENT_RELAY);
        Pair p = new Pair(sim, server, client, clientConfig, null, SERVER_RELAY);
        p.client.relayAddresses(MultipathTest::relay);
        return p.establish();
    }

    /** Opens the direct path from the client and waits until both sides send their data on it. */
    private static long openDirectPath(Pair p) {
        long[] id = {-1};
        p.sim.runUntil(() -> (id[0] = p.client.openPath(p.sim.now, SERVER_DIRECT)) >= 0, 10 * SECOND);
        p.sim.runUntil(() -> selected(p.client).id() == id[0] && selected(p.server).id() == id[0], 30 * SECOND);
        return id[0];
    }

    static PathInfo selected(QuicConnection c) {
        return c.paths().stream().filter(PathInfo::selected).findFirst().orElseThrow();
    }

    static PathInfo path(QuicConnection c, long id) {
        return c.paths().stream().filter(i -> i.id() == id).findFirst().orElseThrow();
    }

    /** Counts the bytes that cross the direct addresses and the relay addresses. */
    private static AtomicLong[] countBytes(Pair p) {
        AtomicLong[] n = {new AtomicLong(), new AtomicLong()};
        p.sim.filter = (from, to, data) -> {
            n[relay(to) ? 1 : 0].addAndGet(data.length);
            return data;
        };
        return n;
    }

    /** The client's frames {@code w} in a 1-RTT packet make the server close with PROTOCOL_VIOLATION. */
    private static void assertServerClosesWithProtocolViolation(Pair p, InetSocketAddress from, InetSocketAddress to,
                                                                ByteWriter w) {
        p.sim.inject(from, to, p.client.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, w.toByteArray()));
        p.sim.runUntil(() -> p.server.isClosed(), 10 * SECOND);
        assertEquals(TransportError.PROTOCOL_VIOLATION.code(), p.server.closeReason().errorCode());
    }

    private static void transfer(Pair p, QuicConnection from, long bytes) {
        Patterns.Reader[] r = p.stream(from, false, bytes);
        p.sim.runUntil(() -> r[0] != null && (r[0].fin || r[0].error != null), 300 * SECOND);
        assertNull(r[0].error);
        assertEquals(bytes, r[0].received);
    }

    @Test
    void aSecondPathIsOpenedValidatedAndCarriesTheTraffic() {
        Pair p = overRelay(1, multipath(), multipath());
        assertTrue(p.client.isMultipath() && p.server.isMultipath(), "both offered multipath");
        assertTrue(path(p.client, 0).relay(), "path 0 is the relay path");

        long id = openDirectPath(p);
        assertEquals(1, id);
        PathInfo direct = path(p.client, id);
        assertEquals(SERVER_DIRECT, direct.remote());
        assertTrue(direct.validated() && !direct.relay());
        assertEquals(CLIENT_DIRECT, path(p.server, id).remote(), "the server sees the client's direct address");
        assertTrue(path(p.server, id).validated(), "the server validated the path the client opened");

        AtomicLong[] bytes = countBytes(p);
        transfer(p, p.client, 1 << 20);
        transfer(p, p.server, 1 << 20);
        assertTrue(bytes[0].get() > 2 << 20, "the data went direct: " + bytes[0] + " bytes");
        assertTrue(bytes[1].get() < 64 << 10, "little on the relay path: " + bytes[1] + " bytes");
        assertFalse(p.client.isClosed());
    }

    @Test
    void aSecondPathSearchesItsOwnMtuAndDropsBackWhenLargeDatagramsAreLost() {
        Pair p = overRelay(12, multipath(), multipath());
        openDirectPath(p);
        int[] largest = {0}; // of the datagrams that carry data in batches (an MTU probe travels alone)
        p.sim.transmits = t -> {
            if (!relay(t.destination()) && t.count() > 1) {
                largest[0] = Math.max(largest[0], t.segmentSize());
            }
        };
        transfer(p, p.client, 2 << 20);
        assertEquals(1452, largest[0], "the direct path grew to the 1452-byte ceiling");
        // the route now drops anything over 1300 bytes: black-hole detection brings the path back down, no data lost
        p.sim.filter = (from, to, data) -> !relay(to) && data.length > 1300 ? null : data;
        transfer(p, p.client, 2 << 20);
        largest[0] = 0;
        transfer(p, p.client, 1 << 20);
        assertTrue(largest[0] <= 1300, "datagrams fit the smaller route again: " + largest[0]);
        assertFalse(p.client.isClosed());
    }

    @Test
    void dataOnASecondPathGoesOutInBatchesOfFullDatagrams() {
        Pair p = overRelay(11, multipath(), multipath());
        openDirectPath(p);
        java.util.List<Transmit> direct = new java.util.ArrayList<>();
        p.sim.transmits = t -> {
            if (!relay(t.destination())) {
                direct.add(t);
            }
        };
        transfer(p, p.client, 4 << 20);
        int most = direct.stream().mapToInt(Transmit::count).max().orElse(0);
        assertTrue(most > 1, "several datagrams per send on the direct path, at most " + most + " were");
        for (Transmit t : direct) {
            assertTrue(t.count() == 1 || t.segmentSize() >= 1200 && t.size() > (t.count() - 1) * t.segmentSize()
                    && t.size() <= t.count() * t.segmentSize(), "a batch of equal datagrams: " + t);
        }
    }

    @Test
    void aKeyUpdateThePeerStartsWhileSendingDirectIsFollowedOnTheDirectPath() {
        // noq (iroh 1.x) makes its first key update after 10 to 1000 packets, on whichever path it sends then; a
        // side that took the new phase on path 0 only dropped every later packet of the direct path, ACKs
        // included, and the transfer stalled until the path's idle timer abandoned it (docs/relay.md)
        Pair p = overRelay(4, multipath(), multipath());
        long id = openDirectPath(p);
        Patterns.Reader[] down = p.stream(p.server, false, 2 << 20);
        p.sim.runUntil(() -> down[0] != null && down[0].received > 256 << 10, 60 * SECOND);
        int generation = p.server.keyPhaseGeneration();
        p.server.initiateKeyUpdate(p.sim.now);
        // from now on the server's packets in the new phase come on the direct path only (none on the relay
        // path, which would teach the client the new phase there): as iroh, whose relay path falls silent
        AtomicLong relayed = new AtomicLong();
        p.sim.filter = (from, to, data) -> {
            if (relay(to)) {
                relayed.addAndGet(data.length);
                return from.equals(SERVER_RELAY) ? null : data;
            }
            return data;
        };

        p.sim.runUntil(() -> down[0].fin || down[0].error != null, 300 * SECOND);
        assertNull(down[0].error);
        assertEquals(2 << 20, down[0].received);
        assertEquals(generation + 1, p.client.keyPhaseGeneration(), "the client took the server's new keys");
        assertTrue(relayed.get() < 64 << 10, "little sent on the relay path: " + relayed + " bytes");
        assertEquals(id, selected(p.server).id(), "the server still sends on the direct path");
        assertFalse(path(p.server, id).abandoned());
    }

    @Test
    void keyUpdatesWhileTheDataGoesDirectAreFollowedOnTheDirectPath() {
        // either side's updates, started and confirmed on the direct path, many times over
        Pair p = overRelay(3, multipath().keyUpdatePacketLimit(150), multipath().keyUpdatePacketLimit(100));
        long id = openDirectPath(p);
        int generation = p.client.keyPhaseGeneration();

        AtomicLong[] bytes = countBytes(p);
        transfer(p, p.client, 2 << 20);
        transfer(p, p.server, 2 << 20);
        assertTrue(p.client.keyPhaseGeneration() >= generation + 4,
                "keys were updated during the transfer: generation " + p.client.keyPhaseGeneration());
        assertEquals(p.client.keyPhaseGeneration(), p.server.keyPhaseGeneration(), "both sides in the same phase");
        assertTrue(bytes[0].get() > 4 << 20, "the data went direct: " + bytes[0] + " bytes");
        assertTrue(bytes[1].get() < 64 << 10, "little on the relay path: " + bytes[1] + " bytes");
        assertEquals(id, selected(p.client).id(), "the client still sends on the direct path");
        assertEquals(id, selected(p.server).id(), "the server still sends on the direct path");
        assertFalse(path(p.client, id).abandoned() || path(p.server, id).abandoned());
        assertFalse(p.client.isClosed() || p.server.isClosed());
    }

    @Test
    void whenTheDirectPathDiesTheConnectionFallsBackToTheRelayWithoutLosingData() {
        Pair p = overRelay(2, multipath(), multipath());
        long id = openDirectPath(p);

        // a transfer in both directions runs while the direct path goes dark
        Patterns.Reader[] up = p.stream(p.client, false, 4 << 20);
        Patterns.Reader[] down = p.stream(p.server, false, 4 << 20);
        p.sim.runUntil(() -> up[0] != null && up[0].received > 256 << 10 && down[0] != null
                && down[0].received > 256 << 10, 60 * SECOND);
        p.sim.filter = (from, to, data) -> relay(from) && relay(to) ? data : null;

        p.sim.runUntil(() -> up[0].fin && down[0].fin || up[0].error != null || down[0].error != null, 300 * SECOND);
        assertNull(up[0].error);
        assertNull(down[0].error);
        assertEquals(4 << 20, up[0].received, "every byte the client sent arrived");
        assertEquals(4 << 20, down[0].received, "every byte the server sent arrived");
        assertFalse(p.client.isClosed() || p.server.isClosed(), "the connection lives on");
        assertEquals(0, selected(p.client).id(), "the client is back on the relay path");
        assertEquals(0, selected(p.server).id(), "the server is back on the relay path");
        assertTrue(path(p.client, id).abandoned(), "the dead path was abandoned");
        assertTrue(path(p.server, id).abandoned());
    }

    @Test
    void aPeerWithoutMultipathStillConnectsOnOnePath() {
        Pair p = overRelay(3, multipath(), new TransportConfig());
        assertFalse(p.client.isMultipath());
        assertFalse(p.server.isMultipath());
        assertEquals(-1, p.client.openPath(p.sim.now, SERVER_DIRECT), "no path can be opened");
        assertEquals(1, p.client.paths().size());
        transfer(p, p.client, 256 << 10);
        transfer(p, p.server, 256 << 10);
        assertEquals(7, p.server.peerTransportParameters().initialMaxPathId, "the client offered it");
        assertEquals(-1, p.client.peerTransportParameters().initialMaxPathId, "the server did not");
    }

    @Test
    void multipathFramesWithoutNegotiationAreAProtocolViolation() {
        Pair p = new Pair(4, new TransportConfig(), new TransportConfig()).establish();
        ByteWriter w = new ByteWriter(64);
        w.varint(FrameType.PATH_STATUS_AVAILABLE).varint(0).varint(1);
        assertServerClosesWithProtocolViolation(p, p.clientNode.addr, p.serverNode.addr, w);
    }

    @Test
    void natTraversalFramesWithoutNegotiationAreAProtocolViolation() {
        // multipath on, NAT traversal offered by the client only
        Pair p = overRelay(5, multipath(), new TransportConfig().maxPathId(7));
        assertTrue(p.server.isMultipath());
        assertFalse(p.server.isNatTraversal());
        ByteWriter w = new ByteWriter(64);
        w.varint(FrameType.REACH_OUT_V4).varint(1).bytes(new byte[] {10, 0, 0, 2}).u16(5000);
        assertServerClosesWithProtocolViolation(p, CLIENT_RELAY, SERVER_RELAY, w);
    }

    @Test
    void natTraversalOpensAPathOnlyWhereAProbeWasAnswered() {
        Pair p = overRelay(6, multipath(), multipath());
        assertTrue(p.client.isNatTraversal() && p.server.isNatTraversal());
        InetSocketAddress unreachableServer = new InetSocketAddress("10.0.0.7", 4433);
        InetSocketAddress unreachableClient = new InetSocketAddress("10.0.0.8", 5000);
        assertTrue(p.server.addNatCandidate(unreachableServer));
        assertTrue(p.server.addNatCandidate(SERVER_DIRECT));
        assertTrue(p.client.addNatCandidate(CLIENT_DIRECT));
        assertTrue(p.client.addNatCandidate(unreachableClient));
        p.sim.runUntil(() -> p.client.natRemoteCandidates().size() == 2, 10 * SECOND);
        assertEquals(List.of(unreachableServer, SERVER_DIRECT), p.client.natRemoteCandidates());

        assertTrue(p.client.startNatTraversalRound(p.sim.now));
        p.sim.runUntil(() -> p.client.paths().size() > 1 && p.client.paths().get(1).validated(), 30 * SECOND);
        p.sim.runFor(10 * SECOND); // every probe of the round has been sent and given up on by now
        List<PathInfo> paths = p.client.paths();
        assertEquals(2, paths.size(), "one path opened: " + paths);
        assertEquals(SERVER_DIRECT, paths.get(1).remote());
        assertTrue(paths.get(1).selected(), "the direct path beats the relay");
        assertEquals(java.util.Set.of(SERVER_DIRECT), p.client.multipath.nat.reached());
        assertEquals(java.util.Set.of(CLIENT_DIRECT), p.server.multipath.nat.reached(),
                "the server's probes reached the client's direct address only");
        transfer(p, p.server, 256 << 10);
    }

    @Test
    void aPathWhoseChallengeIsNeverAnsweredIsAbandoned() {
        Pair p = overRelay(7, multipath(), multipath());
        InetSocketAddress nowhere = new InetSocketAddress("10.0.0.66", 4433);
        long[] id = {-1};
        p.sim.runUntil(() -> (id[0] = p.client.openPath(p.sim.now, nowhere)) >= 0, 10 * SECOND);
        p.sim.runUntil(() -> path(p.client, id[0]).abandoned(), 30 * SECOND);
        assertFalse(path(p.client, id[0]).validated());
        assertEquals(0, selected(p.client).id(), "the data stayed on the relay path");
        transfer(p, p.client, 64 << 10);
        // path IDs are not reused (noq neither): the next path gets the next ID
        assertEquals(id[0] + 1, openDirectPath(p));
    }

    @Test
    void keepAlivesKeepAnIdleDirectPathOpen() {
        Pair p = overRelay(8, multipath(), multipath());
        long id = openDirectPath(p);
        AtomicLong[] bytes = countBytes(p);
        p.sim.runFor(60 * SECOND); // four times the 15 s path idle timeout, twice the connection's
        // PINGs every 5 s and their ACKs, on each path, the relay one too (~20 packets each way, ~30-60 bytes)
        assertTrue(bytes[0].get() > 300 && bytes[1].get() > 300, "both paths kept alive: direct " + bytes[0]
                + " bytes, relay " + bytes[1] + " bytes");
        assertFalse(p.client.isClosed());
        assertFalse(path(p.client, id).abandoned());
        assertFalse(path(p.server, id).abandoned());
        assertEquals(id, selected(p.client).id());
    }

    @Test
    void anAbandonedPathHandsItsDataBackAtOnce() {
        Pair p = overRelay(9, multipath(), multipath());
        long id = openDirectPath(p);
        Patterns.Reader[] down = p.stream(p.server, false, 2 << 20);
        p.sim.runUntil(() -> down[0] != null && down[0].received > 128 << 10, 60 * SECOND);
        long t0 = p.sim.now;
        p.client.abandonPath(p.sim.now, id);
        p.sim.runUntil(() -> down[0].fin || down[0].error != null, 60 * SECOND);
        assertNull(down[0].error);
        assertEquals(2 << 20, down[0].received);
        assertTrue(path(p.server, id).abandoned(), "the server learnt of it by PATH_ABANDON");
        assertTrue(p.sim.now - t0 < 10 * SECOND, "no idle timeout was needed: " + (p.sim.now - t0) / 1_000_000 + " ms");
        assertEquals(0, selected(p.server).id());
    }

    @Test
    void moreReachOutAddressesInARoundThanTheServerAcceptsCloseTheConnection() {
        Pair p = overRelay(10, multipath(), multipath().natTraversalAddresses(2));
        ByteWriter w = new ByteWriter(64);
        for (int i = 1; i <= 3; i++) {
            w.varint(FrameType.REACH_OUT_V4).varint(1).bytes(new byte[] {10, 0, 0, (byte) (100 + i)}).u16(5000);
        }
        assertServerClosesWithProtocolViolation(p, CLIENT_RELAY, SERVER_RELAY, w);
    }

    @Test
    void aClientAdvertisingAddressesIsAProtocolViolation() {
        Pair p = overRelay(11, multipath(), multipath());
        ByteWriter w = new ByteWriter(64);
        w.varint(FrameType.ADD_ADDRESS_V4).varint(0).bytes(new byte[] {10, 0, 0, 2}).u16(5000);
        assertServerClosesWithProtocolViolation(p, CLIENT_RELAY, SERVER_RELAY, w);
    }

    @Test
    void probesArrivingTogetherAreEachAnsweredPaddedFromWhereTheyCame() {
        Pair p = overRelay(12, multipath(), multipath());
        InetSocketAddress a = SERVER_DIRECT;
        InetSocketAddress b = new InetSocketAddress("10.0.0.9", 4433);
        // two probes of the server (path 0 packets holding only a PATH_CHALLENGE) from two of its candidates,
        // arriving at the same instant
        java.util.Map<InetSocketAddress, Integer> answers = new java.util.HashMap<>();
        p.sim.filter = (from, to, data) -> {
            if (to.equals(a) || to.equals(b)) {
                answers.merge(to, data.length, Math::max);
            }
            return data;
        };
        ByteWriter w = new ByteWriter(16);
        w.varint(FrameType.PATH_CHALLENGE).u32(1).u32(2);
        p.sim.inject(a, CLIENT_DIRECT, p.server.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, w.toByteArray()));
        p.sim.inject(b, CLIENT_DIRECT, p.server.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, w.toByteArray()));
        p.sim.runFor(15_000_000L); // the probes arrive; the answers are sent; no retry could have come yet
        assertEquals(java.util.Set.of(a, b), answers.keySet(), "each probe answered to its source");
        assertTrue(answers.get(a) >= 1200 && answers.get(b) >= 1200, "answers padded to 1200 bytes: " + answers);
        assertEquals(0, selected(p.client).id(), "probes never move path 0");
        assertEquals(SERVER_RELAY, p.client.remoteAddress());
    }

    @Test
    void pathZeroCanBeAbandonedOnceAnotherPathCarriesTheData() {
        Pair p = overRelay(13, multipath(), multipath());
        p.client.abandonPath(p.sim.now, 0);
        assertFalse(path(p.client, 0).abandoned(), "not the last usable path");
        long id = openDirectPath(p);
        p.client.abandonPath(p.sim.now, 0);
        p.sim.runUntil(() -> path(p.server, 0).abandoned(), 10 * SECOND);
        assertTrue(path(p.client, 0).abandoned());
        transfer(p, p.server, 256 << 10);
        assertEquals(id, selected(p.server).id());
    }

    /** Well-formed multipath and NAT traversal frames with random fields, a few to a packet. */
    private static byte[] randomPathFrames(java.util.Random rnd) {
        byte[] b = new byte[400];
        int p = 0;
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            long path = rnd.nextInt(10);
            long x = rnd.nextInt(6);
            switch (rnd.nextInt(12)) {
                case 0 -> {
                    com.kafkaconnectiroh.p2p.quic.util.RangeSet r = new com.kafkaconnectiroh.p2p.quic.util.RangeSet(4);
                    r.add(rnd.nextInt(40));
                    p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathAck(b, p, path, r, x, 64, 4);
                }
                case 1 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathAbandon(b, p, path, x);
                case 2 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathStatus(b, p, path, x, rnd.nextBoolean());
                case 3 -> {
                    byte[] cid = new byte[1 + rnd.nextInt(20)];
                    rnd.nextBytes(cid);
                    p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathNewConnectionId(b, p, path, x + 1, x,
                            com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.of(cid), new byte[16]);
                }
                case 4 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathRetireConnectionId(b, p, path, x);
                case 5 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.maxPathId(b, p, path + rnd.nextInt(100));
                case 6 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathsBlocked(b, p, path);
                case 7 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathCidsBlocked(b, p, path, x);
                case 8 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.addAddress(b, p, x,
                        new InetSocketAddress("10.0.0." + rnd.nextInt(255), 1 + rnd.nextInt(65535)));
                case 9 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.reachOut(b, p, x,
                        new InetSocketAddress("10.0.0." + rnd.nextInt(255), 1 + rnd.nextInt(65535)));
                case 10 -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.removeAddress(b, p, x);
                default -> p = com.kafkaconnectiroh.p2p.quic.frame.FrameWriter.pathChallenge(b, p, rnd.nextLong());
            }
        }
        return java.util.Arrays.copyOf(b, p);
    }

    @Test
    void randomPathFramesEitherWorkOrCloseCleanly() {
        java.util.Random rnd = new java.util.Random(15);
        java.util.Set<Long> allowed = java.util.Set.of(TransportError.PROTOCOL_VIOLATION.code(),
                TransportError.FRAME_ENCODING_ERROR.code(), TransportError.CONNECTION_ID_LIMIT_ERROR.code());
        int closed = 0;
        for (int round = 0; round < 12; round++) {
            Pair p = overRelay(200 + round, multipath(), multipath());
            boolean toServer = round % 2 == 0;
            QuicConnection from = toServer ? p.client : p.server;
            QuicConnection to = toServer ? p.server : p.client;
            for (int i = 0; i < 40 && !to.isClosed(); i++) {
                byte[] pkt = from.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, randomPathFrames(rnd));
                p.sim.inject(toServer ? CLIENT_RELAY : SERVER_RELAY, toServer ? SERVER_RELAY : CLIENT_RELAY, pkt);
                p.sim.step();
                assertTrue(to.paths().size() <= 8, "paths bounded by our maximum path ID");
            }
            p.sim.runFor(2 * SECOND);
            if (to.isClosed()) {
                closed++;
                assertEquals(CloseReason.Source.LOCAL, to.closeReason().source(), to.closeReason().toString());
                assertTrue(allowed.contains(to.closeReason().errorCode()), "unexpected close " + to.closeReason());
            }
        }
        assertTrue(closed > 0, "some of it is a violation");
    }

    @Test
    void natTraversalProbesGoOnAnotherValidatedPathWhenPathZeroIsGone() {
        Pair p = overRelay(14, multipath(), multipath());
        // a second relay: path 1 over it, then path 0 abandoned, so probes must use path 1's space and ID
        InetSocketAddress serverRelay2 = new InetSocketAddress("10.99.0.3", 4433);
        InetSocketAddress clientRelay2 = new InetSocketAddress("10.99.0.4", 5000);
        p.sim.alias(p.serverNode, serverRelay2);
        p.sim.alias(p.clientNode, clientRelay2);
        p.clientNode.sourceFor.put(serverRelay2, clientRelay2);
        p.serverNode.sourceFor.put(clientRelay2, serverRelay2);
        long[] id = {-1};
        p.sim.runUntil(() -> (id[0] = p.client.openPath(p.sim.now, serverRelay2)) >= 0, 10 * SECOND);
        p.sim.runUntil(() -> path(p.client, id[0]).validated() && path(p.server, id[0]).validated(), 10 * SECOND);
        p.client.abandonPath(p.sim.now, 0);
        p.sim.runUntil(() -> path(p.server, 0).abandoned(), 10 * SECOND);

        assertTrue(p.server.addNatCandidate(SERVER_DIRECT));
        assertTrue(p.client.addNatCandidate(CLIENT_DIRECT));
        p.sim.runUntil(() -> p.client.natRemoteCandidates().size() == 1, 10 * SECOND);
        assertTrue(p.client.startNatTraversalRound(p.sim.now));
        p.sim.runUntil(() -> selected(p.client).remote().equals(SERVER_DIRECT), 30 * SECOND);
        assertEquals(java.util.Set.of(CLIENT_DIRECT), p.server.multipath.nat.reached());
        assertEquals(serverRelay2, path(p.client, id[0]).remote(), "probes never move the path they use");
        assertEquals(clientRelay2, path(p.server, id[0]).remote());
        transfer(p, p.server, 128 << 10);
    }

    @Test
    void aClientAnsweringTheServersProbeProbesBackAndOpensThePath() {
        Pair p = overRelay(15, multipath(), multipath());
        // the server advertises nothing (it does not know its address): only its probe can show the client where
        assertTrue(p.client.addNatCandidate(CLIENT_DIRECT));
        assertTrue(p.client.startNatTraversalRound(p.sim.now));
        p.sim.runUntil(() -> selected(p.client).remote().equals(SERVER_DIRECT), 30 * SECOND);
        assertEquals(java.util.Set.of(CLIENT_DIRECT), p.server.multipath.nat.reached());
        assertEquals(java.util.Set.of(SERVER_DIRECT), p.client.multipath.nat.reached());
        assertTrue(p.client.natRemoteCandidates().isEmpty());
        transfer(p, p.client, 128 << 10);
    }

    @Test
    void aDirectPathBeatsAFasterRelayAndTheFasterOfTwoDirectPathsWins() {
        Pair p = overRelay(16, multipath(), multipath());
        InetSocketAddress slowDirect = SERVER_DIRECT;
        InetSocketAddress fastDirect = new InetSocketAddress("10.0.0.11", 4433);
        p.sim.alias(p.serverNode, fastDirect);
        // relay 2 ms, the first direct path 40 ms, the second 10 ms, one way
        p.sim.linkDelay = (from, to) -> relay(from) ? 2_000_000L
                : from.equals(fastDirect) || to.equals(fastDirect) ? 10_000_000L : 40_000_000L;
        long slow = openDirectPath(p);
        assertEquals(slowDirect, selected(p.client).remote(), "direct beats relay, however fast the relay");
        long[] fast = {-1};
        p.sim.runUntil(() -> (fast[0] = p.client.openPath(p.sim.now, fastDirect)) >= 0, 10 * SECOND);
        // RTT samples come with traffic: a transfer lets both estimates settle
        transfer(p, p.server, 256 << 10);
        p.sim.runUntil(() -> selected(p.client).id() == fast[0] && selected(p.server).id() == fast[0], 30 * SECOND);
        assertTrue(path(p.client, fast[0]).smoothedRtt() + 5_000_000L < path(p.client, slow).smoothedRtt(),
                p.client.paths().toString());
    }
}
