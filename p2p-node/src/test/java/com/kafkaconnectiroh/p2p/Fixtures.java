package com.kafkaconnectiroh.p2p;

import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What many tests start from: the loopback address, nodes on it, text as bytes, reproducible random bytes. */
public final class Fixtures {
    /** Loopback, any port: what test endpoints and nodes bind. */
    public static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private Fixtures() {
    }

    /** A node with every protocol, on loopback, fresh key, in-memory stores. */
    public static Node loopbackNode() throws IOException {
        return Node.builder().bindAddr(LOOPBACK).spawn();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Polls {@code ok} every 20 ms until it holds; fails after {@code timeout}, naming {@code what} and adding
     * {@code detail} (evaluated then).
     */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier ok, Supplier<String> detail)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + " "
                        + detail.get());
            }
            Thread.sleep(20);
        }
    }

    /** {@code n} bytes from a {@link Random} seeded with {@code seed}: the same every run. */
    public static byte[] randomBytes(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Deletes {@code dir} and everything under it (nothing if it is not there); fails if something stays. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
