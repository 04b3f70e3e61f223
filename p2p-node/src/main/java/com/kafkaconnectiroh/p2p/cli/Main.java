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
        description = "An iroh-compatible peer: QUIC with raw-public-key TLS, blobs, gossip, docs.",
        subcommands = {IdCommand.class, ServeCommand.class, PingCommand.class, SpeedtestCommand.class,
                BlobCommand.class, GossipCommand.class, DocCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        // Terse log lines on stderr ("INFO SecretKeyStore - ..."), unless the user configured slf4j-simple.
        System.setProperty("org.slf4j.simpleLogger.showThreadName",
                System.getProperty("org.slf4j.simpleLogger.showThreadName", "false"));
        System.setProperty("org.slf4j.simpleLogger.showShortLogName",
                System.getProperty("org.slf4j.simpleLogger.showShortLogName", "true"));
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** Like {@link #run(String...)}, with the commands' stdout and stderr going to {@code out} and {@code err}. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"p2p-node " + (v == null ? "(development build)" : v)};
        }
    }
}
