package com.kafkaconnectiroh.p2p.discovery.tracker;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Announce;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Kind;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Query;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Request;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.SignedAnnounce;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of {@value TrackerMessages#ALPN} (iroh-content-discovery's {@code client.rs}): one connection and
 * one bidirectional stream per request; we write the request, finish, read the answer to its end and close, being
 * the last to read.
 */
public final class TrackerClient {
    /** The most we read of a tracker's answer: iroh's client reads at most {@code REQUEST_SIZE_LIMIT} too. */
    static final int RESPONSE_LIMIT = TrackerMessages.REQUEST_SIZE_LIMIT;

    private TrackerClient() {
    }

    /** Signs and sends "{@code key}'s endpoint has {@code content}" to the tracker at {@code tracker}. */
    public static void announce(Endpoint endpoint, EndpointAddr tracker, SecretKey key, HashAndFormat content, Kind kind,
            Duration timeout) throws IOException {
        SignedAnnounce sa = new Announce(key.publicKey(), content, kind, Timestamps.nowMicros()).sign(key);
        exchange(endpoint, tracker, Request.of(sa), 0, timeout);
    }

    /**
     * Asks the tracker who has {@code content}; returns the announcements whose signature checks out, each naming
     * a host to dial by id.
     */
    public static List<SignedAnnounce> query(Endpoint endpoint, EndpointAddr tracker, Query query, Duration timeout)
            throws IOException {
        byte[] answer = exchange(endpoint, tracker, Request.of(query), RESPONSE_LIMIT, timeout);
        List<SignedAnnounce> hosts;
        try {
            hosts = TrackerMessages.decodeResponse(answer);
        } catch (PostcardException e) {
            throw new IOException("tracker " + tracker.id().fmtShort() + " sent a bad answer: " + e.getMessage(), e);
        }
        List<SignedAnnounce> good = new ArrayList<>(hosts.size());
        for (SignedAnnounce h : hosts) {
            if (h.verify() && h.announce().content().equals(query.content())) {
                good.add(h);
            }
        }
        return good;
    }

    private static byte[] exchange(Endpoint endpoint, EndpointAddr tracker, Request req, int limit, Duration timeout)
            throws IOException {
        Connection conn = endpoint.connect(tracker, TrackerMessages.ALPN, timeout);
        boolean ok = false;
        try {
            BiStream s = conn.openBi(timeout);
            s.send().writeAll(ByteBuffer.wrap(req.encode()), timeout);
            s.send().finish();
            byte[] answer = s.recv().readToEnd(limit, timeout);
            ok = true;
            return answer;
        } finally {
            conn.close(ok ? 0 : 1, ok ? "done" : "tracker request failed");
        }
    }
}
