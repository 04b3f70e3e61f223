package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The broadcast layer's messages (iroh-gossip {@code plumtree::Message}). Postcard variant tags: Gossip=0,
 * Prune=1, Graft=2, IHave=3. Rounds are u16.
 */
public sealed interface PlumTreeMessage permits PlumTreeMessage.Gossip, PlumTreeMessage.Prune,
        PlumTreeMessage.Graft, PlumTreeMessage.IHave {

    Prune PRUNE = new Prune();

    /**
     * A payload. {@code id} must be BLAKE3({@code content}); receivers drop it otherwise. The content array is
     * shared, not copied: treat it as immutable.
     */
    record Gossip(MessageId id, byte[] content, DeliveryScope scope) implements PlumTreeMessage {
        public Gossip {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(scope, "scope");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Gossip g && id.equals(g.id) && scope.equals(g.scope) && Arrays.equals(content, g.content);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + scope.hashCode();
        }

        @Override
        public String toString() {
            return "Gossip[id=" + id.fmtShort() + ", " + content.length + "b, scope=" + scope + "]";
        }
    }

    /** The sender no longer wants payloads eagerly pushed from us: move it to the lazy set. */
    record Prune() implements PlumTreeMessage {}

    /**
     * Asks for eager pushes from now on and, when {@code id} is not null, for that message's payload.
     * {@code round} is the round of the IHave that triggered it.
     */
    record Graft(MessageId id, int round) implements PlumTreeMessage {
        public Graft {
            if (round < 0 || round > DeliveryScope.MAX_ROUND) {
                throw new IllegalArgumentException("round must be a u16, got " + round);
            }
        }
    }

    /** Announces message ids without their payload. */
    record IHave(List<Entry> entries) implements PlumTreeMessage {
        public IHave {
            entries = List.copyOf(entries);
        }

        /** One announcement: the id and the round the announcer would forward it with. */
        public record Entry(MessageId id, int round) {
            public Entry {
                Objects.requireNonNull(id, "id");
                if (round < 0 || round > DeliveryScope.MAX_ROUND) {
                    throw new IllegalArgumentException("round must be a u16, got " + round);
                }
            }
        }
    }
}
