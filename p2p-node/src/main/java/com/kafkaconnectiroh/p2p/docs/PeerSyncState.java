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

    /** How many retries after a decline may still follow ({@link #MAX_DECLINED_RETRIES} after a success). */
    static final int MAX_DECLINED_RETRIES = 8;

    private Running running = Running.IDLE;
    private boolean resyncRequested;
    private int declinedRetriesLeft = MAX_DECLINED_RETRIES;
    private long sessionsOk;

    /**
     * Our dial was declined because the peer is in a session with us (its dial, or one it accepted earlier that may
     * be stale: a peer that crashed holds its side until the connection times out). Returns the delay before we
     * try again, or -1 when the retries are used up; a successful session in between cancels the retry.
     */
    long declined() {
        running = Running.IDLE;
        if (declinedRetriesLeft <= 0) {
            return -1;
        }
        int n = MAX_DECLINED_RETRIES - declinedRetriesLeft--;
        return Math.min(30_000L, 1000L << Math.min(n + 1, 5));
    }

    /** Successful sessions so far (a scheduled retry checks that none happened meanwhile). */
    long sessionsOk() {
        return sessionsOk;
    }

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
    boolean finish(boolean ok) {
        if (ok) {
            sessionsOk++;
            declinedRetriesLeft = MAX_DECLINED_RETRIES;
        }
        running = Running.IDLE;
        boolean again = resyncRequested;
        resyncRequested = false;
        return again;
    }
}
