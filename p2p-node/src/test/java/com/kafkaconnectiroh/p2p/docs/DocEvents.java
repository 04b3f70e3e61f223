package com.kafkaconnectiroh.p2p.docs;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Test helper: waits on a {@link DocSubscription} for an event, keeping what passed by. */
final class DocEvents {
    private DocEvents() {
    }

    /** The first event matching {@code match} within {@code timeout}; fails the test (listing what came) otherwise. */
    static <T extends DocEvent> T await(DocSubscription sub, Class<T> type, Predicate<T> match, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            DocEvent e = left > 0 ? sub.next(Duration.ofNanos(left)) : null;
            if (e == null) {
                fail("no " + type.getSimpleName() + " within " + timeout + "; saw " + (seen.size() > 20
                        ? seen.subList(seen.size() - 20, seen.size()) + " (last 20 of " + seen.size() + ")" : seen));
            }
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
            seen.add(e.toString());
        }
    }

    static <T extends DocEvent> T await(DocSubscription sub, Class<T> type, Duration timeout) throws InterruptedException {
        return await(sub, type, e -> true, timeout);
    }
}
