package com.kafkaconnectiroh.p2p.relay.server;

import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayFrames;
import com.kafkaconnectiroh.p2p.relay.RelayServerConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authenticated clients by endpoint id, as IR {@code iroh-relay/src/server/clients.rs}: datagrams go to the
 * newest connection of an id; an older one is told (Status SameEndpointIdConnected, v1 Health text) and kept
 * open but receives nothing until the newer ones leave, when it is told it is healthy again. When an id's last
 * connection leaves, every client it had sent to hears EndpointGone. Safe from any thread.
 */
final class ClientRegistry {
    /** The connections of one id: the active one first. */
    private static final class Slot {
        volatile ServerSession active;
        final List<ServerSession> inactive = new ArrayList<>(1);
    }

    private final ConcurrentHashMap<PeerKey, Slot> slots = new ConcurrentHashMap<>();
    private final RelayServerMetrics metrics;

    ClientRegistry(RelayServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** Where datagrams for {@code key} go now, or null. */
    ServerSession active(PeerKey key) {
        Slot s = slots.get(key);
        return s == null ? null : s.active;
    }

    int size() {
        return slots.size();
    }

    void register(ServerSession session) {
        ServerSession[] replaced = new ServerSession[1];
        slots.compute(session.key(), (k, slot) -> {
            if (slot == null) {
                slot = new Slot();
            } else if (slot.active != null) {
                replaced[0] = slot.active;
                slot.inactive.add(slot.active);
            }
            slot.active = session;
            return slot;
        });
        if (replaced[0] != null) {
            metrics.clientsReplaced.increment();
            replaced[0].offerControl(RelayServerConnection.encodeStatus(replaced[0].alloc(), replaced[0].version(),
                    RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED));
        }
    }

    /** {@code session} ended; returns true if it was its id's last connection (peers must hear EndpointGone). */
    boolean unregister(ServerSession session) {
        boolean[] last = new boolean[1];
        ServerSession[] promoted = new ServerSession[1];
        slots.computeIfPresent(session.key(), (k, slot) -> {
            if (slot.active == session) {
                if (slot.inactive.isEmpty()) {
                    last[0] = true;
                    return null;
                }
                slot.active = slot.inactive.remove(slot.inactive.size() - 1);
                promoted[0] = slot.active;
            } else {
                slot.inactive.remove(session);
            }
            return slot;
        });
        if (promoted[0] != null) {
            promoted[0].offerControl(RelayServerConnection.encodeStatus(promoted[0].alloc(), promoted[0].version(),
                    RelayFrames.STATUS_HEALTHY));
        }
        return last[0];
    }

    /** Every connection, active or not (shutdown). */
    List<ServerSession> all() {
        List<ServerSession> out = new ArrayList<>();
        for (PeerKey key : slots.keySet()) {
            slots.computeIfPresent(key, (k, s) -> {
                out.add(s.active);
                out.addAll(s.inactive);
                return s;
            });
        }
        return out;
    }
}
