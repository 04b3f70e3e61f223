package com.kafkaconnectiroh.p2p.docs;

/**
 * Whether a sync with one peer for one document is running, and who opened it: the rules of iroh-docs'
 * {@code engine/state.rs}. Never two sessions with a peer at once: a second dial waits (a sync report that arrives
 * meanwhile asks for one more round afterwards); an incoming request while ours is being dialed is allowed on one
 * side only, the one with the greater node id, so two peers dialing each other end up with one session.
 * Not thread-safe (its {@link LiveDoc} guards it).
 */
final class PeerSyncState {
    enum Running { IDLE, DIALED, ACCEPTED }

    /** Why we dial (iroh's {@code SyncReason}). */
    enum Reason { DIRECT_JOIN, NEW_NEIGHBOR, SYNC_REPORT, RESYNC }

    private Running running = Running.IDLE;
    private boolean resyncRequested;

    /** True if we may dial now (and marks it); otherwise remembers a resync if the reason was a report. */
    boolean startDial(Reason reason) {
        if (running != Running.IDLE) {
            if (reason == Reason.SYNC_REPORT) {
                resyncRequested = true;
            }
            return false;
        }
        running = Running.DIALED;
        resyncRequested = false;
        return true;
    }

    /** True if we accept the peer's request now (and marks it). */
    boolean accept(boolean weAreGreater) {
        boolean allow = switch (running) {
            case IDLE -> true;
            case ACCEPTED -> false;
            case DIALED -> weAreGreater;
        };
        if (allow) {
            running = Running.ACCEPTED;
            resyncRequested = false;
        }
        return allow;
    }

    /** The session ended; true if another round was asked for meanwhile. */
    boolean finish() {
        running = Running.IDLE;
        boolean again = resyncRequested;
        resyncRequested = false;
        return again;
    }
}
