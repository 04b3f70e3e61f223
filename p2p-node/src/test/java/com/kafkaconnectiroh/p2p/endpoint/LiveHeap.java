package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The live heap of a JVM: the total of {@code jcmd <pid> GC.class_histogram}, which runs a full GC and counts
 * only reachable objects (the heap "used" after {@code System.gc()} also counts regions G1 has not given back,
 * and wanders by several MiB between calls).
 */
public final class LiveHeap {
    private LiveHeap() {
    }

    /** Of this JVM. */
    public static long ofThisJvm() throws IOException, InterruptedException {
        return of(ProcessHandle.current().pid());
    }

    public static long of(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jcmd did not finish");
        Matcher m = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(out);
        assertTrue(m.find(), "no total in jcmd's output:\n" + out);
        return Long.parseLong(m.group(1));
    }
}
