package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A document source's position, as Connect keeps it (primitives only):
 *
 * <ul>
 * <li>partition {@code {"namespace": "<64 hex>"}};</li>
 * <li>offset {@code {"store": "<store id>", "seq": <n>, "heads": "<author hex>:<timestamp µs>,…"}}: {@code seq} is
 *     the last change of the node's change feed that was written ({@code Doc.changes}), valid only on the node
 *     store named {@code store} (the same task on the same worker); {@code heads} is each author's newest entry
 *     timestamp among those written, which holds on any replica: a task that resumes on another store skips
 *     entries at or below them (an author's entry that arrives later than a newer one of the same author is then
 *     skipped too: the one case where a move can lose an entry). Heads are left out beyond
 *     {@value #MAX_HEADS} authors.</li>
 * </ul>
 */
record DocsOffset(String store, long seq, Map<AuthorId, Long> heads) {
    static final int MAX_HEADS = 256;

    static Map<String, Object> partition(NamespaceId namespace) {
        return Map.of("namespace", namespace.toString());
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new HashMap<>();
        m.put("store", store);
        m.put("seq", seq);
        if (heads.size() <= MAX_HEADS) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<AuthorId, Long> e : new TreeMap<>(heads).entrySet()) {
                sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
            }
            m.put("heads", sb.toString());
        }
        return m;
    }

    /** @throws ConnectException the partition is not a document's (what the offsets REST API answers with) */
    static void checkPartition(Map<String, ?> partition) {
        Object ns = partition == null ? null : partition.get("namespace");
        if (ns == null || partition.size() != 1) {
            throw new ConnectException("a document's source partition is {\"namespace\": \"<64 hex>\"}, got " + partition);
        }
        try {
            NamespaceId.parse(ns.toString());
        } catch (IllegalArgumentException e) {
            throw new ConnectException("partition " + partition + ": " + e.getMessage(), e);
        }
    }

    /** @throws ConnectException the offset is not one this connector wrote or could use */
    static DocsOffset parse(Map<String, ?> offset) {
        Object store = offset.get("store");
        Object seq = offset.get("seq");
        Object heads = offset.get("heads");
        if (!(seq instanceof Number n) || n.longValue() < 0) {
            throw new ConnectException("a document offset needs \"seq\" (a change number, 0 or more), got " + offset);
        }
        Map<AuthorId, Long> parsed = new LinkedHashMap<>();
        if (heads != null && !heads.toString().isEmpty()) {
            for (String item : heads.toString().split(",")) {
                int colon = item.indexOf(':');
                try {
                    parsed.put(AuthorId.parse(item.substring(0, colon)), Long.parseUnsignedLong(item.substring(colon + 1)));
                } catch (RuntimeException e) {
                    throw new ConnectException("offset \"heads\" must be <author hex>:<timestamp>,…; bad item '" + item
                            + "'", e);
                }
            }
        }
        return new DocsOffset(store == null ? "" : store.toString(), n.longValue(), parsed);
    }

    /** Whether an entry of {@code author} at {@code timestamp} was written before this position (on another store). */
    boolean covers(AuthorId author, long timestamp) {
        Long head = heads.get(author);
        return head != null && Long.compareUnsigned(timestamp, head) <= 0;
    }
}
