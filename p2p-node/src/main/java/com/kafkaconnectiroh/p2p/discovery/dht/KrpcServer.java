package com.kafkaconnectiroh.p2p.discovery.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answering half of a DHT node, without I/O: given a decoded query's arguments, its source and the time, it
 * returns the reply's {@code r} dictionary or throws the {@link KrpcError} to send. Methods: BEP 5 {@code ping},
 * {@code find_node}, {@code get_peers}, {@code announce_peer}; BEP 44 {@code get}, {@code put} (mutable items only).
 * Not thread-safe: the node calls it under its lock.
 */
final class KrpcServer {
    /**
     * Our extension (not a BEP): asks a node for the signed pkarr packet of the iroh endpoint beside it, so a
     * blob provider found by its DHT address can be dialed by id. Other implementations answer 204.
     */
    static final String IROH_RECORD = "iroh_record";
    static final int MAX_VALUES = 50; // peers per get_peers reply: 50 × 6 bytes keeps the reply under 1 KiB

    private final Id20 self;
    private final RoutingTable table;
    private final Storage storage;
    private final Tokens tokens;
    private final int k;
    /** This node's endpoint record, served to {@code iroh_record} queries (null: none). */
    private byte[] ownRecord;

    KrpcServer(Id20 self, RoutingTable table, Storage storage, Tokens tokens, int k) {
        this.self = self;
        this.table = table;
        this.storage = storage;
        this.tokens = tokens;
        this.k = k;
    }

    Map<String, Object> answer(String method, Map<String, Object> a, InetSocketAddress from, long now) throws KrpcError {
        Map<String, Object> r = new TreeMap<>();
        r.put("id", self.raw());
        switch (method) {
            case "ping":
                return r;
            case "find_node":
                r.put("nodes", nodes(id(a, "target")));
                return r;
            case "get_peers": {
                Id20 ih = id(a, "info_hash");
                r.put("token", tokens.issue(from.getAddress(), now));
                List<InetSocketAddress> peers = storage.peers(ih, MAX_VALUES, now);
                if (!peers.isEmpty()) {
                    List<Object> values = new ArrayList<>();
                    for (InetSocketAddress p : peers) {
                        values.add(NodeInfo.compactPeer(p));
                    }
                    r.put("values", values);
                }
                r.put("nodes", nodes(ih));
                return r;
            }
            case "announce_peer": {
                Id20 ih = id(a, "info_hash");
                checkToken(a, from, now);
                long implied = a.get("implied_port") instanceof Long l ? l : 0;
                int port = implied != 0 ? from.getPort() : (int) integer(a, "port", 1, 65535);
                storage.addPeer(ih, new InetSocketAddress(from.getAddress(), port), now);
                return r;
            }
            case "get": {
                Id20 target = id(a, "target");
                r.put("token", tokens.issue(from.getAddress(), now));
                r.put("nodes", nodes(target));
                MutableItem item = storage.item(target, now);
                if (item != null) {
                    r.put("seq", item.seq());
                    // BEP 44: a reader that already has seq ≥ ours gets only the seq.
                    if (!(a.get("seq") instanceof Long have && have >= item.seq())) {
                        r.put("k", item.key().toBytes());
                        r.put("sig", item.signature());
                        r.put("v", new Bencode.Raw(item.encodedValue()));
                    }
                }
                return r;
            }
            case "put":
                put(a, from, now);
                return r;
            case IROH_RECORD:
                if (ownRecord == null) {
                    throw new KrpcError(204, "no iroh endpoint record here");
                }
                r.put("packet", ownRecord);
                return r;
            default:
                throw new KrpcError(204, "Method Unknown");
        }
    }

    boolean hasOwnRecord() {
        return ownRecord != null;
    }

    void ownRecord(byte[] packet) {
        this.ownRecord = packet == null ? null : packet.clone();
    }

    private void put(Map<String, Object> a, InetSocketAddress from, long now) throws KrpcError {
        Object v = a.get("v");
        if (v == null) {
            throw new KrpcError(203, "put without v");
        }
        byte[] k = bytes(a, "k", false);
        if (k == null) {
            throw new KrpcError(203, "immutable items are not stored by this node");
        }
        byte[] encoded = Bencode.encode(v);
        byte[] salt = bytes(a, "salt", false);
        byte[] sig = bytes(a, "sig", true);
        long seq = integer(a, "seq", Long.MIN_VALUE, Long.MAX_VALUE);
        MutableItem item = MutableItem.verified(k, salt == null ? new byte[0] : salt, seq, encoded, sig);
        // The token is checked after the cheap size checks and before storing (BEP 44 order: 205/207 first).
        checkToken(a, from, now);
        Long cas = a.get("cas") instanceof Long c ? c : null;
        storage.put(item, cas, now);
    }

    private void checkToken(Map<String, Object> a, InetSocketAddress from, long now) throws KrpcError {
        if (!tokens.valid(a.get("token") instanceof byte[] t ? t : null, from.getAddress(), now)) {
            throw new KrpcError(203, "bad token");
        }
    }

    private byte[] nodes(Id20 target) {
        return NodeInfo.toCompact(table.closest(target, k));
    }

    static Id20 id(Map<String, Object> a, String key) throws KrpcError {
        if (a.get(key) instanceof byte[] b && b.length == Id20.LENGTH) {
            return Id20.of(b);
        }
        throw new KrpcError(203, "expected a 20-byte '" + key + "'");
    }

    private static byte[] bytes(Map<String, Object> a, String key, boolean required) throws KrpcError {
        Object o = a.get(key);
        if (o instanceof byte[] b) {
            return b;
        }
        if (o == null && !required) {
            return null;
        }
        throw new KrpcError(203, "expected byte string '" + key + "'");
    }

    private static long integer(Map<String, Object> a, String key, long min, long max) throws KrpcError {
        if (a.get(key) instanceof Long l && l >= min && l <= max) {
            return l;
        }
        throw new KrpcError(203, "expected integer '" + key + "' in [" + min + ", " + max + "]");
    }
}
