package com.kafkaconnectiroh.connect.source;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * One kind of iroh input a task reads (gossip topics now; documents later), feeding the task's
 * {@link RecordBuffer} from threads of its own.
 */
interface SourceKind extends AutoCloseable {
    /** Subscribes and starts receiving. */
    void start();

    /**
     * Called from {@code poll()}: throws the error that must fail the task (an outage past
     * {@code iroh.outage.timeout.ms}, a message that cannot become a record under errors.tolerance=none).
     */
    void checkHealth() throws ConnectException;

    /** Gossip neighbors (or peers) currently connected, for metrics. */
    long neighbors();

    /** Messages the network layer dropped because this task was behind. */
    long dropped();

    /** Stops receiving; idempotent; returns once its threads ended. */
    @Override
    void close();
}
