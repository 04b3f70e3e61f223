package com.kafkaconnectiroh.connect.common;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.MDC;

/**
 * Threads that carry the logging context (MDC) of the thread that made the factory: Connect puts
 * {@code connector.context} ("[my-connector|task-0] ") there for its task threads, so what our receive and fetch
 * threads log is attributed to the right connector in the worker's log.
 */
public final class MdcThreads implements ThreadFactory {
    private final String prefix;
    private final Map<String, String> context;
    private final AtomicInteger count = new AtomicInteger();

    /** Captures the calling thread's MDC now. */
    public MdcThreads(String prefix) {
        this.prefix = prefix;
        this.context = MDC.getCopyOfContextMap();
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(() -> {
            if (context != null) {
                MDC.setContextMap(context);
            }
            r.run();
        }, prefix + "-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    /** Runs {@code r} with the captured context (for work handed to threads we do not own). */
    public Runnable wrap(Runnable r) {
        return () -> {
            Map<String, String> previous = MDC.getCopyOfContextMap();
            if (context != null) {
                MDC.setContextMap(context);
            }
            try {
                r.run();
            } finally {
                if (previous == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previous);
                }
            }
        };
    }
}
