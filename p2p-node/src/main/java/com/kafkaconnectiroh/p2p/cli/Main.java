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
                BlobCommand.class, GossipCommand.class, DocCommand.class, RelayCommand.class, DiscoveryCommand.class, DnsServerCommand.class, TrackerCommand.class,
                CommandLine.HelpCommand.class})
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
        CommandLine cli = commandLine();
        // picocli's own stdout writer, with the process's stdout beneath for raw bytes (doc get)
        return cli.setOut(new StdoutWriter(cli.getOut(), System.out)).execute(args);
    }

    /** Like {@link #run(String...)}, with the commands' stdout and stderr going to {@code out} and {@code err}. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    /** Like {@link #run(String...)}, with stdout and stderr written to these streams as UTF-8 (raw bytes as they are). */
    public static int run(java.io.OutputStream out, java.io.OutputStream err, String... args) {
        java.io.PrintWriter errWriter = new java.io.PrintWriter(
                new java.io.OutputStreamWriter(err, java.nio.charset.StandardCharsets.UTF_8), true);
        StdoutWriter outWriter = StdoutWriter.over(out);
        try {
            return commandLine().setOut(outWriter).setErr(errWriter).execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    private static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"p2p-node " + (v == null ? "(development build)" : v)};
        }
    }
}
