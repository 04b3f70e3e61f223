package com.kafkaconnectiroh.p2p.gossip;

/**
 * A snapshot of a {@link Gossip}'s counters and table sizes (all since start).
 *
 * @param peersConnected     peers with at least one open connection
 * @param connections        open gossip connections
 * @param connectionsV0      of which {@code /iroh-gossip/0}
 * @param connectionsV1      of which {@code /iroh-gossip/1}
 * @param dialing            dials under way
 * @param queuedBytes        encoded bytes waiting for a dial or for the transport's send buffer
 * @param heldBroadcasts     our broadcasts held because their topic has no neighbor yet
 * @param topics             joined topics
 * @param addressBook        peers we know addresses of
 * @param timers             armed timers
 * @param claimedPeers       peers the protocol holds a connection claim on
 * @param messagesSent       protocol messages written (all kinds)
 * @param messagesReceived   protocol messages decoded
 * @param broadcasts         local broadcasts
 * @param delivered          Received events (before fan-out to subscriptions)
 * @param dials              dials started
 * @param dialFailures       dials that failed
 * @param protocolErrors     connections we closed for malformed or oversized frames
 * @param queueOverflows     connections we closed because their send queue overflowed
 * @param queueDrops         messages dropped because a dialing peer's queue was full
 * @param heldDropped        held broadcasts dropped (oldest first) because too many waited for a neighbor
 * @param packetsLost        QUIC packets declared lost, summed over the open connections
 * @param ptoCount           QUIC probe timeouts, summed over the open connections
 * @param trackedBroadcasts  tracked broadcasts whose delivery is not decided yet
 * @param graftsDeferred     graft timers held because this node was behind on reading payloads ({@link GraftHold})
 */
public record GossipStats(int peersConnected, int connections, int connectionsV0, int connectionsV1, int dialing,
                          long queuedBytes, int heldBroadcasts, int topics, int addressBook, int timers, int claimedPeers,
                          long messagesSent, long messagesReceived, long broadcasts, long delivered, long dials,
                          long dialFailures, long protocolErrors, long queueOverflows, long queueDrops,
                          long heldDropped, long packetsLost, long ptoCount, int trackedBroadcasts,
                          long graftsDeferred) {

    /** Mutable counters, owned by the gossip thread. */
    static final class Counters {
        long messagesSent;
        long messagesReceived;
        long broadcasts;
        long delivered;
        long dials;
        long dialFailures;
        long protocolErrors;
        long queueOverflows;
        long queueDrops;
        long heldDropped;
        int linksV0;
        int linksV1;

        GossipStats snapshot(int peersConnected, int links, int dialing, long queuedBytes, int held, int topics,
                             int addressBook, int timers, int claimed, long lost, long ptos, int tracked,
                             long graftsDeferred) {
            return new GossipStats(peersConnected, links, linksV0, linksV1, dialing, queuedBytes, held, topics,
                    addressBook, timers, claimed, messagesSent, messagesReceived, broadcasts, delivered, dials,
                    dialFailures, protocolErrors, queueOverflows, queueDrops, heldDropped, lost, ptos, tracked,
                    graftsDeferred);
        }
    }
}
