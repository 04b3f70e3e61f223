package com.kafkaconnectiroh.p2p.quic;

/**
 * Server connections whose handshake has not completed, and what bounded them (see {@code docs/endpoint.md},
 * "Handshake floods").
 *
 * @param count            half-open connections now
 * @param bytes            what they hold now (as charged against the budget)
 * @param peakCount        the most there were at once
 * @param peakBytes        the most they held at once
 * @param underLoad        whether new clients must answer a Retry now
 * @param retries          Initials answered with a Retry instead of state (load or a busy source)
 * @param droppedForBudget Initials dropped, or handshakes ended, because the byte budget was used up
 * @param droppedPerSource Initials dropped because their source had its share of half-open connections
 * @param expired          handshakes forgotten because they did not complete in time
 * @param invalidTokens    Initials refused (no state; answered with INVALID_TOKEN) because they carried a token
 *                         shaped as our Retry tokens that did not validate: forged, expired, from another
 *                         address, or replayed to another connection ID
 */
public record HalfOpenStats(int count, long bytes, int peakCount, long peakBytes, boolean underLoad, long retries,
                            long droppedForBudget, long droppedPerSource, long expired, long invalidTokens) {
    /** Nothing in progress and nothing turned away (an endpoint that is closed). */
    public static final HalfOpenStats NONE = new HalfOpenStats(0, 0, 0, 0, false, 0, 0, 0, 0, 0);

    @Override
    public String toString() {
        return "halfOpen=" + count + " halfOpenBytes=" + bytes + " peak=" + peakCount + "/" + peakBytes
                + " underLoad=" + underLoad + " retries=" + retries + " droppedForBudget=" + droppedForBudget
                + " droppedPerSource=" + droppedPerSource + " expired=" + expired + " invalidTokens=" + invalidTokens;
    }
}
