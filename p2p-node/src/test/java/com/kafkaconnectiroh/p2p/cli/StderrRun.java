package com.kafkaconnectiroh.p2p.cli;

/** The CLI run in this JVM with its stderr captured (the blob commands report there). */
record StderrRun(int exit, String err) {
    static StderrRun of(String... args) {
        CliRun r = CliRun.of(args);
        return new StderrRun(r.exitCode(), r.err());
    }
}
