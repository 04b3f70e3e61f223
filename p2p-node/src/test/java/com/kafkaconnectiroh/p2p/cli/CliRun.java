package com.kafkaconnectiroh.p2p.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One in-process {@link Main#run} with its stdout and stderr (picocli's writers) captured; {@link #outBytes} is
 * stdout byte for byte ({@code doc get} prints content raw).
 */
record CliRun(int exitCode, byte[] outBytes, String err) {

    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(out, err, args);
        CliRun r = new CliRun(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        // visible in the surefire report when an assertion fails
        System.err.println("p2p-node " + String.join(" ", args) + " -> " + code + "\n" + r.out() + r.err);
        return r;
    }

    /** Stdout as UTF-8 text. */
    String out() {
        return new String(outBytes, StandardCharsets.UTF_8);
    }

    List<String> outLines() {
        return Arrays.asList(out().split("\\R"));
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out() + "--- stderr\n" + err;
    }
}
