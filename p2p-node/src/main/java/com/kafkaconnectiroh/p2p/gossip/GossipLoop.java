package com.kafkaconnectiroh.p2p.gossip;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns a {@link Gossip}'s protocol state: tasks from any thread run here in arrival order,
 * timers (a deadline queue) run here when due. Nothing it runs takes a lock, so per-message work never contends.
 *
 * <p>Tasks are {@link Runnable}s posted with {@link #execute}; timers are armed with {@link #schedule} from the
 * loop itself. A task that throws is logged and the loop carries on.
 */
final class GossipLoop {
    private static final Logger LOG = LoggerFactory.getLogger(GossipLoop.class);
    /** Tasks run before due timers are looked at again, so a flood of input cannot starve timers. */
    private static final int BATCH = 1024;

    private record Scheduled(long at, long seq, Runnable task) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(at - o.at, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private long seq;
    private volatile boolean stopping;
    private boolean stopped;

    GossipLoop(String name) {
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code task}; false if the loop has stopped (the task will not run). */
    boolean execute(Runnable task) {
        if (stopping) {
            return false;
        }
        inbox.add(task);
        if (sleeping.get()) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Runs {@code task} on the loop after {@code delayNanos} (loop thread only). */
    void schedule(long delayNanos, Runnable task) {
        timers.add(new Scheduled(System.nanoTime() + Math.max(0, delayNanos), seq++, task));
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Stops after the task that calls this (loop thread only); queued tasks are dropped. */
    void stop() {
        stopping = true;
        stopped = true;
    }

    /** Completes when the thread has ended. */
    CompletableFuture<Void> terminated() {
        return terminated;
    }

    int pendingTimers() {
        return timers.size();
    }

    private void run() {
        try {
            while (!stopped) {
                Runnable r;
                int n = 0;
                while (!stopped && n < BATCH && (r = inbox.poll()) != null) {
                    runSafely(r);
                    n++;
                }
                long now = System.nanoTime();
                while (!stopped && !timers.isEmpty() && timers.peek().at - now <= 0) {
                    runSafely(timers.poll().task);
                }
                if (stopped || !inbox.isEmpty()) {
                    continue;
                }
                sleeping.set(true);
                if (inbox.isEmpty()) {
                    if (timers.isEmpty()) {
                        LockSupport.park(this);
                    } else {
                        long wait = timers.peek().at - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                }
                sleeping.set(false);
                Thread.interrupted(); // an interrupt must not turn park into a busy spin
            }
        } finally {
            stopping = true;
            inbox.clear();
            timers.clear();
            terminated.complete(null);
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.error("gossip task failed", t);
        }
    }
}
