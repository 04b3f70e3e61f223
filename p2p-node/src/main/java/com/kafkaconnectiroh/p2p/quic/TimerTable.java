package com.kafkaconnectiroh.p2p.quic;

import java.util.Arrays;

/**
 * The deadlines of one connection, indexed by {@link ConnectionTimer}: {@code Long.MAX_VALUE} means unset. The
 * connection's next timeout is the table's minimum, so a timer cannot be left out of it. Once the connection
 * closes only {@link ConnectionTimer#CLOSE} may be armed: work still finishing after the close (an ACK being
 * recorded, a loss timer being reset) must not wake a connection that only waits to drain.
 */
final class TimerTable {
    private final long[] deadlines = new long[ConnectionTimer.VALUES.length];
    private boolean closing;

    TimerTable() {
        Arrays.fill(deadlines, Long.MAX_VALUE);
    }

    long get(ConnectionTimer t) {
        return deadlines[t.ordinal()];
    }

    void set(ConnectionTimer t, long deadline) {
        if (closing && t != ConnectionTimer.CLOSE && deadline != Long.MAX_VALUE) {
            return;
        }
        deadlines[t.ordinal()] = deadline;
    }

    void stop(ConnectionTimer t) {
        deadlines[t.ordinal()] = Long.MAX_VALUE;
    }

    /** Whether {@code t} is armed and due at {@code now}. */
    boolean isExpired(ConnectionTimer t, long now) {
        long d = deadlines[t.ordinal()];
        return d != Long.MAX_VALUE && now >= d;
    }

    /** The earliest deadline, or {@code Long.MAX_VALUE}. */
    long next() {
        long min = Long.MAX_VALUE;
        for (long d : deadlines) {
            min = Math.min(min, d);
        }
        return min;
    }

    /** The connection closed: every timer stops, and from now on only {@link ConnectionTimer#CLOSE} may be set. */
    void closeOnly(long closeDeadline) {
        closing = true;
        Arrays.fill(deadlines, Long.MAX_VALUE);
        deadlines[ConnectionTimer.CLOSE.ordinal()] = closeDeadline;
    }

    /** Nothing more will happen: every timer stops for good. */
    void stopAll() {
        closing = true;
        Arrays.fill(deadlines, Long.MAX_VALUE);
    }
}
