package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.util.LongMap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Bounds the state of server connections whose handshake has not completed ("half-open"), which anyone can make
 * us create with one spoofed Initial datagram (RFC 9000 §8 and §21.1.1: a server should limit it, and may demand
 * address validation with Retry). Four rules, all cheap:
 *
 * <ul>
 * <li><b>Byte budget</b>: every half-open connection is charged what it really holds ({@link
 * QuicConnection#handshakeFootprint()}: its fixed state, CRYPTO buffers, TLS message buffer, sent-packet records);
 * a new one that would take the total past {@link EndpointConfig#halfOpenBudgetBytes()} is not created, and one
 * that grows past it is dropped.</li>
 * <li><b>Retry under load</b>: from {@link EndpointConfig#retryThreshold()} half-open connections or half of the
 * byte budget on (until the count falls to half of the threshold and the bytes to a quarter of the budget), or
 * from a source that already has half of its share, an Initial without a valid token gets a Retry instead of
 * state. A spoofed source never sees the Retry, so it can no longer make us hold anything; a real client answers
 * it one round trip later. The byte half matters when the budget is small: without it a flood would fill the
 * budget before the count threshold, and real clients would be dropped instead of asked for a Retry.</li>
 * <li><b>Per source</b>: at most {@link EndpointConfig#maxHalfOpenPerSource()} half-open connections per source
 * (an IPv4 address or an IPv6 /64, what one host controls), so one validated host cannot take the whole budget.</li>
 * <li><b>Lifetime</b>: a handshake must complete within {@link EndpointConfig#handshakeTimeoutNanos()}, under load
 * within {@link EndpointConfig#loadedHandshakeTimeoutNanos()} (entering load shortens those already waiting).</li>
 * </ul>
 * Loop-confined, as the endpoint.
 */
final class HalfOpenLimits {
    /** What to do with an Initial that would create a connection. */
    enum Admission { ACCEPT, RETRY, DROP }

    /** The endpoint's bookkeeping for one half-open connection. */
    static final class Entry {
        final long source;
        final long createdAt;
        long charged;

        Entry(long source, long createdAt) {
            this.source = source;
            this.createdAt = createdAt;
        }
    }

    private final EndpointConfig config;
    private final LinkedHashSet<QuicConnection> open = new LinkedHashSet<>();
    /** Half-open connections per source key; entries go when they reach zero. */
    private final LongMap<int[]> perSource = new LongMap<>();
    private final List<QuicConnection> rescheduled = new ArrayList<>();
    private long bytes;
    private boolean underLoad;

    private long retriesDemanded;
    private long droppedForBudget;
    private long droppedPerSource;
    private long expired;
    private long invalidTokens;
    private long peakBytes;
    private int peakCount;

    HalfOpenLimits(EndpointConfig config) {
        this.config = config;
        this.underLoad = config.retryThreshold() == 0; // "always validate"
    }

    /** The key a source is counted under: an IPv4 address, or the /64 prefix of an IPv6 address. */
    static long sourceKey(InetAddress a) {
        byte[] b = a.getAddress();
        long k = 0;
        if (a instanceof Inet4Address) {
            for (byte x : b) {
                k = (k << 8) | (x & 0xFF);
            }
            return k | (1L << 40); // apart from any IPv6 prefix we could meet with these high bits clear
        }
        for (int i = 0; i < 8; i++) {
            k = (k << 8) | (b[i] & 0xFF);
        }
        return k == Long.MIN_VALUE ? k + 1 : k; // LongMap reserves MIN_VALUE
    }

    /** Whether an Initial from {@code source} may create a connection; {@code validated}: it carried our token. */
    Admission admit(long source, boolean validated) {
        int fromSource = count(source);
        if (!validated && (underLoad || fromSource >= Math.max(1, config.maxHalfOpenPerSource() / 2))) {
            retriesDemanded++;
            return Admission.RETRY;
        }
        if (fromSource >= config.maxHalfOpenPerSource()) {
            droppedPerSource++;
            return Admission.DROP;
        }
        if (bytes + QuicConnection.HANDSHAKE_BASE_BYTES > config.halfOpenBudgetBytes()) {
            droppedForBudget++;
            return Admission.DROP;
        }
        return Admission.ACCEPT;
    }

    /** Whether a new connection (without a token) must first answer a Retry. */
    boolean underLoad() {
        return underLoad;
    }

    /** Starts tracking a new server connection; sets its handshake deadline. */
    void add(QuicConnection c, long source, long now) {
        Entry e = new Entry(source, now);
        c.halfOpen = e;
        open.add(c);
        int[] n = perSource.get(source);
        if (n == null) {
            perSource.put(source, n = new int[1]);
        }
        n[0]++;
        c.handshakeDeadline(now + (underLoad ? config.loadedHandshakeTimeoutNanos() : config.handshakeTimeoutNanos()));
        peakCount = Math.max(peakCount, open.size());
        enterLoadIfDue();
    }

    /** Under load from retryThreshold half-open connections or half of the budget on (never with retry(false)). */
    private void enterLoadIfDue() {
        if (underLoad || config.retryThreshold() == Integer.MAX_VALUE) {
            return;
        }
        if (open.size() >= config.retryThreshold() || bytes >= config.halfOpenBudgetBytes() / 2) {
            underLoad = true;
            // those already waiting get the shorter lifetime too (at most what the threshold or budget admitted)
            for (QuicConnection o : open) {
                long d = o.halfOpen.createdAt + config.loadedHandshakeTimeoutNanos();
                if (d < o.handshakeDeadline()) {
                    o.handshakeDeadline(d);
                    rescheduled.add(o);
                }
            }
        }
    }

    /**
     * Re-charges {@code c} with what it holds now, or stops tracking it once its handshake completed or it
     * drained. Returns false if it grew past the budget (the caller drops it).
     */
    boolean recharge(QuicConnection c) {
        Entry e = c.halfOpen;
        if (e == null) {
            return true;
        }
        if (c.isHandshakeComplete() || c.isDrained()) {
            remove(c);
            return true;
        }
        long now = c.handshakeFootprint();
        bytes += now - e.charged;
        e.charged = now;
        peakBytes = Math.max(peakBytes, bytes);
        if (bytes > config.halfOpenBudgetBytes()) {
            droppedForBudget++;
            return false;
        }
        enterLoadIfDue();
        return true;
    }

    /** Stops tracking {@code c} (handshake complete, or gone). */
    void remove(QuicConnection c) {
        Entry e = c.halfOpen;
        if (e == null) {
            return;
        }
        c.halfOpen = null;
        c.handshakeDeadline(Long.MAX_VALUE);
        open.remove(c);
        CloseReason why = c.closeReason();
        if (!c.isHandshakeComplete() && why != null && why.source() == CloseReason.Source.IDLE_TIMEOUT) {
            expired++;
        }
        bytes -= e.charged;
        int[] n = perSource.get(e.source);
        if (n != null && --n[0] <= 0) {
            perSource.remove(e.source);
        }
        if (underLoad && open.size() < config.retryThreshold() / 2 && bytes < config.halfOpenBudgetBytes() / 4) {
            underLoad = false;
        }
    }

    /** An Initial carried a token shaped as ours that did not validate (forged, expired, from elsewhere). */
    void invalidToken() {
        invalidTokens++;
    }

    private int count(long source) {
        int[] n = perSource.get(source);
        return n == null ? 0 : n[0];
    }

    /** Connections whose deadline moved earlier since the last call (their driver must re-read it). */
    List<QuicConnection> drainRescheduled() {
        if (rescheduled.isEmpty()) {
            return List.of();
        }
        List<QuicConnection> out = new ArrayList<>(rescheduled);
        rescheduled.clear();
        return out;
    }

    int count() {
        return open.size();
    }

    long bytes() {
        return bytes;
    }

    HalfOpenStats stats() {
        return new HalfOpenStats(open.size(), bytes, peakCount, peakBytes, underLoad, retriesDemanded,
                droppedForBudget, droppedPerSource, expired, invalidTokens);
    }
}
