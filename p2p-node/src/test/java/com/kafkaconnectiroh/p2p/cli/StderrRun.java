package com.kafkaconnectiroh.p2p.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The CLI run in this JVM with {@code System.err} captured (the blob commands report there). */
record StderrRun(int exit, String err) {
    static StderrRun of(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setErr(old);
        }
        return new StderrRun(code, err.toString(StandardCharsets.UTF_8));
    }
}
