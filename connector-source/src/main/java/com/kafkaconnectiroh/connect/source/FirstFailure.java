package com.kafkaconnectiroh.connect.source;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;

/**
 * The first failure of a source kind's background threads, kept until the task's next poll throws it (the framework
 * then marks the task FAILED with that reason). Later failures are usually consequences of the first and are not
 * logged again.
 */
final class FirstFailure {
    private final AtomicReference<ConnectException> first = new AtomicReference<>();
    private final Logger log;

    FirstFailure(Logger log) {
        this.log = log;
    }

    void record(ConnectException e) {
        if (first.compareAndSet(null, e)) {
            log.error("{}", e.getMessage());
        }
    }

    /** Throws the first failure, if there was one. */
    void rethrow() {
        ConnectException f = first.get();
        if (f != null) {
            throw f;
        }
    }
}
