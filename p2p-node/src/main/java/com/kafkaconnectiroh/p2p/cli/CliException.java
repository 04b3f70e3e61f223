package com.kafkaconnectiroh.p2p.cli;

/** A failure a command reports as one line on stderr with its exit code, instead of a stack trace. */
final class CliException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** Prints {@code p2p-node <command>: <message>} and returns the exit code. */
    int report(java.io.PrintWriter err, String command) {
        err.println("p2p-node " + command + ": " + getMessage());
        err.flush();
        return exitCode;
    }
}
