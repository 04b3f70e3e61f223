package com.kafkaconnectiroh.p2p.discovery.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * BEP 5's routing table, kept as 160 k-buckets indexed by how many leading bits a contact's id shares with ours
 * (equivalent to BEP 5's split-on-demand tree for lookups; simpler to bound: at most {@code 160 × k} contacts).
 *
 * <p>A contact is <em>good</em> if it answered us, or queried us, within {@link #QUESTIONABLE_AFTER_MILLIS}
 * (BEP 5's 15 minutes), <em>questionable</em> after that, and <em>bad</em> once {@link #MAX_FAILURES} queries in a
 * row went unanswered. A full bucket takes a newcomer only in place of a bad contact, else of its stalest
 * questionable one (BEP 5 pings the questionable one first; we replace it outright: the newcomer has just proven
 * itself alive, the stale one has not, and no query is spent). Bad contacts are never returned. Not thread-safe:
 * the node calls it under its lock.
 */
final class RoutingTable {
    static final long QUESTIONABLE_AFTER_MILLIS = 15 * 60_000L;
    static final int MAX_FAILURES = 2;

    static final class Contact {
        final NodeInfo info;
        long lastSeen;
        int failures;

        Contact(NodeInfo info, long now) {
            this.info = info;
            this.lastSeen = now;
        }

        boolean bad() {
            return failures >= MAX_FAILURES;
        }

        boolean questionable(long now) {
            return now - lastSeen > QUESTIONABLE_AFTER_MILLIS;
        }
    }

    private final Id20 self;
    private final int k;
    private final List<List<Contact>> buckets = new ArrayList<>();

    RoutingTable(Id20 self, int k) {
        this.self = self;
        this.k = k;
        for (int i = 0; i <= Id20.LENGTH * 8; i++) {
            buckets.add(new ArrayList<>(0));
        }
    }

    /** Records that {@code node} is alive (it answered or queried us); inserts it if its bucket has room. */
    void seen(NodeInfo node, long now) {
        if (node.id().equals(self)) {
            return;
        }
        List<Contact> bucket = buckets.get(self.commonPrefixBits(node.id()));
        for (Contact c : bucket) {
            if (c.info.id().equals(node.id())) {
                if (!c.info.addr().equals(node.addr())) {
                    // Same id from another address: keep the known one (BEP 42's concern; an id is not a credential).
                    return;
                }
                c.lastSeen = now;
                c.failures = 0;
                return;
            }
        }
        if (bucket.size() < k) {
            bucket.add(new Contact(node, now));
            return;
        }
        Contact victim = null;
        for (Contact c : bucket) {
            if (c.bad()) {
                victim = c;
                break;
            }
            if (c.questionable(now) && (victim == null || c.lastSeen < victim.lastSeen)) {
                victim = c;
            }
        }
        if (victim != null) {
            bucket.remove(victim);
            bucket.add(new Contact(node, now));
        }
    }

    /** A query to {@code addr} went unanswered. */
    void failed(InetSocketAddress addr) {
        for (List<Contact> bucket : buckets) {
            for (Contact c : bucket) {
                if (c.info.addr().equals(addr)) {
                    c.failures++;
                }
            }
        }
    }

    /** Up to {@code n} non-bad contacts closest to {@code target}, closest first. */
    List<NodeInfo> closest(Id20 target, int n) {
        List<NodeInfo> all = new ArrayList<>();
        for (List<Contact> bucket : buckets) {
            for (Contact c : bucket) {
                if (!c.bad()) {
                    all.add(c.info);
                }
            }
        }
        all.sort(Comparator.comparing(NodeInfo::id, target::distanceCompare));
        return all.size() > n ? new ArrayList<>(all.subList(0, n)) : all;
    }

    int size() {
        int n = 0;
        for (List<Contact> bucket : buckets) {
            n += bucket.size();
        }
        return n;
    }
}
