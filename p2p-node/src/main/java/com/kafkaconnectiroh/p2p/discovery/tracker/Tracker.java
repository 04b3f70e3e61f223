package com.kafkaconnectiroh.p2p.discovery.tracker;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Kind;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Query;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Request;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.SignedAnnounce;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.StreamTooLongException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The tracker side of {@value TrackerMessages#ALPN} (iroh-content-tracker's {@code tracker.rs::handle_connection}):
 * one bidirectional stream per connection; the client writes a {@link Request} of at most
 * {@value TrackerMessages#REQUEST_SIZE_LIMIT} bytes and finishes. An announcement is verified and stored, and the
 * stream finished with no bytes; a query is answered with the stored announcements for the content.
 *
 * <p>Bounded: at most {@code perContent} hosts per content and {@code total} announcements in all (the least
 * recently announced go first), each forgotten {@link #ANNOUNCE_TIMEOUT} after its timestamp (iroh's {@code options.rs}). Announcements
 * dated more than {@link #FUTURE_SLACK} ahead of our clock, or already expired, are refused, so a host cannot pin an
 * entry forever with a far-future timestamp.
 *
 * <p>Unlike iroh's tracker this one never probes hosts with iroh-blobs, so nothing it holds is "verified": a query
 * with {@code verified = true} gets an empty answer rather than unverified hosts labelled as checked.
 */
public final class Tracker implements ProtocolHandler {
    /** iroh-content-tracker's default {@code announce_timeout}. */
    public static final Duration ANNOUNCE_TIMEOUT = Duration.ofHours(12);
    /** How far ahead of our clock an announcement may be dated (clock skew between hosts). */
    public static final Duration FUTURE_SLACK = Duration.ofMinutes(5);
    /** How long a client gets to send its request, and to close after our answer. */
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The most hosts in one answer, newest first: iroh's client reads at most 16 KiB of it ({@code client.rs}), and
     * an encoded {@code SignedAnnounce} takes at most 140 bytes.
     */
    public static final int MAX_HOSTS_PER_ANSWER = 100;
    /** Our close code for a request we refuse (iroh's tracker just drops the connection). */
    static final long BAD_REQUEST_CODE = 1;

    private final int perContent;
    private final int total;
    private final LongSupplier clockMicros;
    /** Every held announcement, least recently announced first (eviction order). Guarded by {@code this}. */
    private final LinkedHashMap<Slot, SignedAnnounce> all = new LinkedHashMap<>();
    /** The same, by content: host → its latest announcement, least recent first. Guarded by {@code this}. */
    private final Map<HashAndFormat, LinkedHashMap<EndpointId, SignedAnnounce>> byContent = new HashMap<>();

    public Tracker() {
        this(64, 100_000, () -> System.currentTimeMillis() * 1000);
    }

    /** @param clockMicros our clock, microseconds since the epoch (tests move it) */
    public Tracker(int perContent, int total, LongSupplier clockMicros) {
        if (perContent < 1 || total < 1) {
            throw new IllegalArgumentException("caps must be positive");
        }
        this.perContent = perContent;
        this.total = total;
        this.clockMicros = clockMicros;
    }

    @Override
    public void accept(Connection conn) throws Exception {
        BiStream s = conn.acceptBi(IO_TIMEOUT);
        byte[] body;
        try {
            body = s.recv().readToEnd(TrackerMessages.REQUEST_SIZE_LIMIT, IO_TIMEOUT);
        } catch (StreamTooLongException e) {
            conn.close(BAD_REQUEST_CODE, "request larger than " + TrackerMessages.REQUEST_SIZE_LIMIT + " bytes");
            return;
        }
        Request req;
        try {
            req = Request.decode(body);
        } catch (PostcardException e) {
            conn.close(BAD_REQUEST_CODE, "bad request: " + e.getMessage());
            return;
        }
        byte[] answer;
        if (req.announce() != null) {
            String refused = add(req.announce());
            if (refused != null) {
                conn.close(BAD_REQUEST_CODE, refused);
                return;
            }
            answer = new byte[0];
        } else {
            answer = TrackerMessages.encodeResponse(query(req.query()));
        }
        s.send().writeAll(ByteBuffer.wrap(answer), IO_TIMEOUT);
        s.send().finish();
        // The client reads last and closes; returning now would close the connection under our answer.
        try {
            conn.closed().get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            conn.close(0, "done");
        }
    }

    /** Stores a signed announcement; returns why it was refused, or null. */
    public String add(SignedAnnounce sa) {
        if (!sa.verify()) {
            return "bad signature";
        }
        long now = clockMicros.getAsLong();
        long ts = sa.announce().timestampMicros();
        if (ts > now + FUTURE_SLACK.toNanos() / 1000) {
            return "announcement dated in the future";
        }
        if (ts <= now - ANNOUNCE_TIMEOUT.toNanos() / 1000) {
            return "announcement expired";
        }
        synchronized (this) {
            Slot slot = new Slot(sa.announce().content(), sa.announce().host());
            SignedAnnounce old = all.get(slot);
            if (old != null && old.announce().timestampMicros() >= ts) {
                return null; // a replay or an older one: keep what we have
            }
            remove(slot);
            all.put(slot, sa);
            LinkedHashMap<EndpointId, SignedAnnounce> hosts = byContent.computeIfAbsent(slot.content(),
                    c -> new LinkedHashMap<>());
            hosts.put(slot.host(), sa);
            if (hosts.size() > perContent) {
                remove(new Slot(slot.content(), hosts.keySet().iterator().next()));
            }
            // Announcements arrive roughly in timestamp order, so expired ones gather at the head.
            long oldest = now - ANNOUNCE_TIMEOUT.toNanos() / 1000;
            while (!all.isEmpty() && all.values().iterator().next().announce().timestampMicros() <= oldest) {
                remove(all.keySet().iterator().next());
            }
            while (all.size() > total) {
                remove(all.keySet().iterator().next()); // the least recently announced
            }
        }
        return null;
    }

    /** The live announcements for the query's content, Complete ones only if it asks; never verified ones. */
    public synchronized List<SignedAnnounce> query(Query q) {
        List<SignedAnnounce> out = new ArrayList<>();
        if (q.verified()) {
            return out; // we never probe (see the class comment)
        }
        LinkedHashMap<EndpointId, SignedAnnounce> hosts = byContent.get(q.content());
        if (hosts == null) {
            return out;
        }
        long oldest = clockMicros.getAsLong() - ANNOUNCE_TIMEOUT.toNanos() / 1000;
        for (SignedAnnounce sa : hosts.values()) {
            if (sa.announce().timestampMicros() > oldest && (!q.complete() || sa.announce().kind() == Kind.COMPLETE)) {
                out.add(sa);
            }
        }
        // hosts are least recently announced first: keep the newest
        return out.size() <= MAX_HOSTS_PER_ANSWER ? out
                : new ArrayList<>(out.subList(out.size() - MAX_HOSTS_PER_ANSWER, out.size()));
    }

    /** Announcements held (for tests and status lines). */
    public synchronized int size() {
        return all.size();
    }

    private void remove(Slot slot) {
        if (all.remove(slot) == null) {
            return;
        }
        LinkedHashMap<EndpointId, SignedAnnounce> hosts = byContent.get(slot.content());
        hosts.remove(slot.host());
        if (hosts.isEmpty()) {
            byContent.remove(slot.content());
        }
    }

    private record Slot(HashAndFormat content, EndpointId host) {
    }
}
