package com.kafkaconnectiroh.p2p.quic.recovery;

import java.util.ArrayDeque;

/**
 * The unacknowledged packets of one packet number space, indexed by packet number in a ring (packet numbers
 * only grow), with a pool of {@link SentPacket}s to reuse. The ring's base advances past acknowledged and lost
 * packets, so what remains spans from the oldest outstanding packet to the newest.
 */
public final class SentPackets {
    private SentPacket[] ring = new SentPacket[8]; // grows; a handshake needs a few
    private long base; // packet number of ring slot `head`
    private int head;
    private int span; // slots in use from head (some may be null)
    private int count;
    private int ackElicitingInFlight;
    private long bytesInFlight;
    private final ArrayDeque<SentPacket> pool = new ArrayDeque<>();

    public SentPacket obtain() {
        SentPacket p = pool.poll();
        if (p == null) {
            p = new SentPacket();
        }
        p.clear();
        return p;
    }

    public void recycle(SentPacket p) {
        if (pool.size() < 16384) {
            pool.push(p);
        }
    }

    public void add(SentPacket p) {
        if (span == 0) {
            base = p.pn;
        }
        long idx = p.pn - base;
        if (idx < span) {
            throw new IllegalStateException("packet number " + p.pn + " not above " + (base + span - 1));
        }
        int need = (int) idx + 1;
        if (need > ring.length) {
            grow(need);
        }
        ring[(head + (int) idx) & (ring.length - 1)] = p;
        span = need;
        count++;
        if (p.inFlight) {
            bytesInFlight += p.size;
            if (p.ackEliciting) {
                ackElicitingInFlight++;
            }
        }
    }

    private void grow(int need) {
        int cap = ring.length;
        while (cap < need) {
            cap *= 2;
        }
        SentPacket[] n = new SentPacket[cap];
        for (int i = 0; i < span; i++) {
            n[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = n;
        head = 0;
    }

    public SentPacket get(long pn) {
        long idx = pn - base;
        if (span == 0 || idx < 0 || idx >= span) {
            return null;
        }
        return ring[(head + (int) idx) & (ring.length - 1)];
    }

    /** Removes and returns the packet (no recycling: the caller recycles when done with it). */
    public SentPacket remove(long pn) {
        long idx = pn - base;
        if (span == 0 || idx < 0 || idx >= span) {
            return null;
        }
        int slot = (head + (int) idx) & (ring.length - 1);
        SentPacket p = ring[slot];
        if (p == null) {
            return null;
        }
        ring[slot] = null;
        count--;
        if (p.inFlight) {
            bytesInFlight -= p.size;
            if (p.ackEliciting) {
                ackElicitingInFlight--;
            }
        }
        // advance the base past empty slots
        while (span > 0 && ring[head] == null) {
            head = (head + 1) & (ring.length - 1);
            base++;
            span--;
        }
        return p;
    }

    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public long bytesInFlight() {
        return bytesInFlight;
    }

    public boolean hasAckElicitingInFlight() {
        return ackElicitingInFlight > 0;
    }

    /** Lowest outstanding packet number (only when not empty). */
    public long lowest() {
        return base;
    }

    /** One past the highest packet number slot tracked. */
    public long end() {
        return base + span;
    }

    /** Drops everything (key discard): returns the packets for the caller to account and recycle. */
    public java.util.List<SentPacket> drain() {
        java.util.List<SentPacket> out = new java.util.ArrayList<>(count);
        for (int i = 0; i < span; i++) {
            int slot = (head + i) & (ring.length - 1);
            if (ring[slot] != null) {
                out.add(ring[slot]);
                ring[slot] = null;
            }
        }
        span = 0;
        count = 0;
        head = 0;
        bytesInFlight = 0;
        ackElicitingInFlight = 0;
        return out;
    }
}
