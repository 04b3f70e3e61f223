package com.kafkaconnectiroh.p2p.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/p2p-node}: a small command line so a person can act as an iroh-compatible peer.
 * Each subcommand is its own class; exit codes are 0 on success, 1 on failure, 2 on bad usage.
 */
@Command(name = "p2p-node",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An iroh-compatible peer: QUIC with raw-public-key TLS, blobs, gossip.",
        subcommands = {IdCommand.class, BlobCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"p2p-node " + (v == null ? "(development build)" : v)};
        }
    }
}
