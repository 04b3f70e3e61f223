package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionLostException;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Speedtest;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code p2p-node speedtest accept} and {@code p2p-node speedtest connect <addr>}: throughput between two nodes
 * over the speedtest protocol ({@value Speedtest#ALPN}; see {@link Speedtest}). Results are lines of the form
 * {@code upload: <bytes> bytes in <s> s = <MB/s> MB/s} (MB = 10^6 bytes).
 */
@Command(name = "speedtest", mixinStandardHelpOptions = true,
        description = "Measure throughput between two nodes (" + Speedtest.ALPN + ").",
        subcommands = {SpeedtestCommand.Accept.class, SpeedtestCommand.Connect.class, CommandLine.HelpCommand.class})
final class SpeedtestCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Serves speedtests until a signal; prints the address lines, then one line per transfer. */
    @Command(name = "accept", mixinStandardHelpOptions = true,
            description = {"Serve speedtests until Ctrl-C or SIGTERM.",
                    "Prints the address lines as 'serve' does, then '<upload from|download to> <id>: <n> bytes in <s> s"
                            + " = <r> MB/s' per transfer."})
    static final class Accept implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (StopSignal stop = new StopSignal()) {
                Speedtest speedtest = new Speedtest(t -> {
                    out.println(Format.transfer(t));
                    out.flush();
                });
                Node n;
                try {
                    n = NodeOptions.spawn(node.nodeBuilder(null).accept(Speedtest.ALPN, c -> {
                        err.println("connection from " + c.remoteId() + " at " + Format.addr(c.remoteAddress()));
                        speedtest.accept(c);
                    }));
                } catch (CliException e) {
                    return e.report(err, "speedtest accept");
                }
                Endpoint ep = n.endpoint();
                try {
                    NodeOptions.printAddress(out, ep);
                    out.println("alpns: " + Speedtest.ALPN);
                    out.flush();
                    err.println("accepting speedtests until Ctrl-C or SIGTERM");
                    stop.watch(ep);
                    stop.await();
                    if (ep.failure() != null) {
                        return NodeOptions.reportFailure(err, "speedtest accept", ep);
                    }
                } finally {
                    n.close();
                }
                return 0;
            }
        }
    }

    enum Direction {
        UPLOAD, DOWNLOAD, BOTH
    }

    /** Runs one upload and/or download against a speedtest server and prints MB/s. */
    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = {"Measure throughput to a speedtest server ('speedtest accept' or 'serve').",
                    "Prints 'connected to <id> at <ip:port>: handshake <ms> ms', then 'upload: <n> bytes in <s> s ="
                            + " <r> MB/s' and/or 'download: …'. Exit 0 on success, 1 on failure."})
    static final class Connect implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TARGET", converter = Converters.EndpointAddrConverter.class,
                description = "endpoint… ticket, node… ticket, or <id>@<ip:port>[,<ip:port>…].")
        EndpointAddr target;

        @Option(names = "--bytes", paramLabel = "SIZE", defaultValue = "100MiB",
                converter = Converters.ByteSizeConverter.class,
                description = "Bytes per direction (default: ${DEFAULT-VALUE}); K/M/G and KiB/MiB/GiB are binary,"
                        + " KB/MB/GB decimal. Ignored with --duration.")
        long bytes;

        @Option(names = "--duration", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
                description = "Transfer for this long per direction instead of a fixed size (e.g. 10s).")
        Duration duration;

        @Option(names = "--direction", paramLabel = "DIR", defaultValue = "both",
                description = "upload (to the server), download (from it) or both, one after the other"
                        + " (default: ${DEFAULT-VALUE}).")
        Direction direction;

        @Option(names = "--warmup", paramLabel = "SIZE", defaultValue = "0",
                converter = Converters.ByteSizeConverter.class,
                description = "First move this much each way without counting it, so both JVMs have compiled their"
                        + " hot paths (a fresh JVM needs a few hundred MB to reach full speed; default: none).")
        long warmup;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
                converter = Converters.DurationConverter.class,
                description = "Give up on the handshake after this long (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Option(names = "--alpn", paramLabel = "ALPN", defaultValue = Speedtest.ALPN,
                converter = Converters.AlpnConverter.class,
                description = "Protocol to ask for (default: ${DEFAULT-VALUE}); uploads also work against any"
                        + " server that answers a stream with its 8-byte big-endian length, like the iroh test"
                        + " harness's sink.")
        String alpn;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (bytes < 0 || warmup < 0) {
                err.println("p2p-node speedtest: --bytes and --warmup must not be negative");
                return 2;
            }
            Node started;
            try {
                started = NodeOptions.spawn(node.nodeBuilder(target));
            } catch (CliException e) {
                return e.report(err, "speedtest connect");
            }
            try (Node n = started) {
                Endpoint ep = n.endpoint();
                long t0 = System.nanoTime();
                Connection conn;
                try {
                    conn = ep.connect(target, alpn, timeout);
                } catch (IOException e) {
                    err.println("p2p-node speedtest: " + ConnectFailures.describe(target, alpn, e, timeout));
                    return 1;
                }
                out.println("connected to " + conn.remoteId().fmtShort() + " at " + Format.addr(conn.remoteAddress())
                        + ": handshake " + Format.ms(Duration.ofNanos(System.nanoTime() - t0)));
                out.flush();
                try {
                    if (direction != Direction.DOWNLOAD) {
                        if (warmup > 0) {
                            err.println("warm-up: uploading " + warmup + " bytes (not counted)");
                            Speedtest.upload(conn, warmup, null);
                        }
                        print(out, "upload", Speedtest.upload(conn, bytes, duration));
                    }
                    if (direction != Direction.UPLOAD) {
                        if (warmup > 0) {
                            err.println("warm-up: downloading " + warmup + " bytes (not counted)");
                            Speedtest.download(conn, warmup, null);
                        }
                        print(out, "download", Speedtest.download(conn, bytes, duration));
                    }
                    conn.close(0, "done");
                    return 0;
                } catch (ConnectionLostException e) {
                    err.println("p2p-node speedtest: the connection to " + conn.remoteId().fmtShort() + " ended: " + e.close());
                    return 1;
                } catch (IOException e) {
                    err.println("p2p-node speedtest: " + e.getMessage());
                    conn.close(1, "speedtest failed");
                    return 1;
                }
            }
        }

        private static void print(PrintWriter out, String what, Speedtest.Transfer t) {
            out.printf(java.util.Locale.ROOT, "%s: %d bytes in %.3f s = %.2f MB/s%n", what, t.bytes(),
                    t.elapsed().toNanos() / 1e9, t.mbPerSec());
            out.flush();
        }
    }
}
