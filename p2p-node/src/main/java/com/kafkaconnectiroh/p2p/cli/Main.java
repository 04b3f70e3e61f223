package com.kafkaconnectiroh.p2p.cli;

/** Entry point of {@code bin/p2p-node}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("p2p-node: no commands yet");
        System.exit(2);
    }
}
