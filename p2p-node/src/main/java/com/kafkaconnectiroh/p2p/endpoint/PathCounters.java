package com.kafkaconnectiroh.p2p.endpoint;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes and datagrams per peer address of one connection, counted by the driver as it sends and receives (the
 * QUIC core keeps one current path; which transport an address belongs to is the endpoint's knowledge). At most
 * {@value #MAX} addresses: a connection uses one or two, a peer that keeps moving pushes out the oldest.
 * Loop-confined; counting allocates nothing once an address is known.
 */
final class PathCounters {
    static final int MAX = 8;

    static final class Entry {
        final InetSocketAddress address;
        long bytesSent;
        long bytesReceived;
        long datagramsSent;
        long datagramsReceived;

        Entry(InetSocketAddress address) {
            this.address = address;
        }
    }

    private final ArrayList<Entry> entries = new ArrayList<>(2);

    void onSent(InetSocketAddress to, int bytes, int datagrams) {
        Entry e = entry(to);
        e.bytesSent += bytes;
        e.datagramsSent += datagrams;
    }

    void onReceived(InetSocketAddress from, int bytes) {
        Entry e = entry(from);
        e.bytesReceived += bytes;
        e.datagramsReceived++;
    }

    private Entry entry(InetSocketAddress a) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.address == a || e.address.equals(a)) {
                return e;
            }
        }
        if (entries.size() >= MAX) {
            entries.remove(0);
        }
        Entry e = new Entry(a);
        entries.add(e);
        return e;
    }

    List<Entry> entries() {
        return entries;
    }
}
