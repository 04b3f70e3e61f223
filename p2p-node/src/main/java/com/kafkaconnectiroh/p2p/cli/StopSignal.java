package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGINT (Ctrl-C) or SIGTERM so a long-running command can close its node gracefully and still exit
 * 0. The JVM's own handling would start its shutdown instead, where a command can no longer return an exit code;
 * so the signals are caught with {@code sun.misc.Signal} (module jdk.unsupported, looked up reflectively because
 * javac warns about it at compile time). Where that is missing, a shutdown hook stops the command and waits
 * briefly for it to finish closing. {@link #close()} restores the previous handlers (tests run commands
 * in-process).
 */
final class StopSignal implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> restore = new ArrayList<>();
    private volatile String received;

    StopSignal() {
        if (!installSignalHandlers()) {
            Thread hook = new Thread(() -> {
                received = "shutdown";
                stop.countDown();
                try {
                    finished.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "p2p-node-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            restore.add(() -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for finished
                }
            });
        }
    }

    private boolean installSignalHandlers() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, handlerType);
            Method name = signal.getMethod("getName");
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            received = "SIG" + name.invoke(args[0]);
                            stop.countDown();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "StopSignal handler";
                    });
            for (String s : SIGNALS) {
                Object sig = signal.getConstructor(String.class).newInstance(s);
                Object previous = handle.invoke(null, sig, handler);
                restore.add(() -> {
                    try {
                        handle.invoke(null, sig, previous);
                    } catch (ReflectiveOperationException e) {
                        // leave ours in place; it only counts down a latch
                    }
                });
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Blocks until a signal arrives (or the thread is interrupted); returns what stopped it. */
    String await() {
        try {
            stop.await();
            return received;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupt";
        }
    }

    /**
     * Stops {@link #await()} when {@code ep} fails on its own ({@link Endpoint#closed()} completes exceptionally,
     * e.g. an OutOfMemoryError on its event loop): a serving command then reports it and exits 1 instead of
     * running on with a node that answers nobody.
     */
    void watch(Endpoint ep) {
        ep.closed().whenComplete((v, e) -> {
            if (e != null) {
                trigger("node failure");
            }
        });
    }

    /** Stops {@link #await()} as a signal would (for tests and embedding). */
    void trigger(String why) {
        received = why;
        stop.countDown();
    }

    @Override
    public void close() {
        finished.countDown();
        restore.forEach(Runnable::run);
    }
}
