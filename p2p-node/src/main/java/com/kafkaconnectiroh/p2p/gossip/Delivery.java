package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.util.List;
import java.util.Objects;

/**
 * How a tracked broadcast ended (see {@link DeliveryPolicy} for what "acknowledged" means). The counts are those at
 * the moment the outcome was decided: with {@link DeliveryPolicy#atLeast} the receipt completes as soon as enough
 * neighbors acknowledged, so neighbors still pending then are not counted either way.
 *
 * @param outcome        what happened
 * @param pushedTo       neighbors the payload was pushed to (eager push, a neighbor-scope send, or a Graft answer)
 * @param acknowledged   of which acknowledged it
 * @param unacknowledged of which went away or were cut before acknowledging it
 * @param acknowledgedBy the acknowledging neighbors
 */
public record Delivery(Outcome outcome, int pushedTo, int acknowledged, int unacknowledged,
                       List<EndpointId> acknowledgedBy) {

    /** What became of a tracked broadcast. */
    public enum Outcome {
        /** The policy holds: enough neighbors' QUIC stacks acknowledged the frame carrying it. */
        DELIVERED,
        /** The neighbors it was pushed to went away, or were cut (e.g. for not reading), before enough acknowledged it. */
        UNACKNOWLEDGED,
        /** The policy's timeout passed before it was decided (e.g. a neighbor that stopped answering). */
        TIMED_OUT,
        /**
         * It never left this node: the subscription was closed or the gossip shut down first, or it was held for
         * want of a neighbor and dropped ({@link Gossip.Builder#maxHeldBroadcasts}).
         */
        NOT_SENT
    }

    public Delivery {
        Objects.requireNonNull(outcome, "outcome");
        acknowledgedBy = List.copyOf(acknowledgedBy);
    }

    /** True when the policy held. */
    public boolean delivered() {
        return outcome == Outcome.DELIVERED;
    }

    @Override
    public String toString() {
        return "Delivery[" + outcome + ", pushed to " + pushedTo + ", acknowledged by " + acknowledged
                + (unacknowledged > 0 ? ", " + unacknowledged + " gone before acknowledging" : "") + "]";
    }
}
