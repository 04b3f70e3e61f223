package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.endpoint.PathInfo;
import com.kafkaconnectiroh.p2p.endpoint.PathType;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.ping.PingException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node ping <target>}: iroh-ping ({@value Ping#ALPN}) a node. Each ping is one connection (as
 * iroh-ping's client): stdout gets {@code PONG from <id> at <ip:port|relay URL>: handshake <ms> ms, rtt <ms> ms,
 * <direct|relay> path rtt <ms> ms} per success
 * and, with {@code --count} above 1, a summary; failures go to stderr as {@code p2p-node ping: <why>}. Exit 0 only
 * if every ping got its PONG, 1 otherwise, 2 on bad usage.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = {"Ping a node with iroh-ping (" + Ping.ALPN + "): prints the handshake time (connect until usable)"
                + " and the round trip (PING written until PONG read).",
                "Exit code 0 only if every ping got its PONG."})
final class PingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", converter = Converters.EndpointAddrConverter.class,
            description = "endpoint… ticket (iroh 1.x), node… ticket (iroh 0.35), or <id>@<ip:port>[,<ip:port>…].")
    EndpointAddr target;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "Give up on the handshake, and separately on the PONG, after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "1",
            description = "Number of pings, one connection each (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1s",
            converter = Converters.PauseConverter.class,
            description = "Pause between pings (default: ${DEFAULT-VALUE}; 0: back to back).")
    Duration interval;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (count < 1) {
            err.println("p2p-node ping: --count must be at least 1, got " + count);
            return 2;
        }
        List<Duration> handshakes = new ArrayList<>();
        List<Duration> rtts = new ArrayList<>();
        Node started;
        try {
            started = NodeOptions.spawn(node.nodeBuilder(target));
        } catch (CliException e) {
            return e.report(err, "ping");
        }
        try (Node n = started) {
            Ping ping = n.ping();
            for (int i = 0; i < count; i++) {
                if (i > 0 && !interval.isZero()) {
                    Thread.sleep(interval.toMillis());
                }
                try {
                    Ping.Pong p = ping.ping(n.endpoint(), target, timeout);
                    handshakes.add(p.handshake());
                    rtts.add(p.rtt());
                    out.println("PONG from " + p.remote().fmtShort() + " at " + at(p) + ": handshake "
                            + Format.ms(p.handshake()) + ", rtt " + Format.ms(p.rtt()) + paths(p));
                    out.flush();
                } catch (PingException e) {
                    err.println("p2p-node ping: " + e.getMessage());
                }
            }
        }
        int failed = count - rtts.size();
        if (count > 1) {
            out.println("--- " + count + " pings: " + rtts.size() + " ok, " + failed + " failed"
                    + (rtts.isEmpty() ? "" : "; handshake min/median/max " + stats(handshakes)
                    + "; rtt min/median/max " + stats(rtts)));
        }
        return failed == 0 ? 0 : 1;
    }

    /**
     * The peer's ip:port on a direct path, the relay URL on a relay path: of the path the PONG came on, which after
     * a move to a direct path (multipath) is no longer the one the handshake took.
     */
    private static String at(Ping.Pong p) {
        PathInfo via = p.via();
        if (via == null) {
            return Format.addr(p.path());
        }
        return via.type() == PathType.RELAY ? via.relayUrl().toString() : Format.addr(via.address());
    }

    /**
     * {@code , direct path rtt 0.45 ms} or {@code , relay path rtt 1.20 ms} for the path the PONG came on (its RTT as
     * QUIC measured it), then {@code , also relay http://…/ rtt 1.31 ms} for each other path the connection used (its
     * RTT once QUIC measured one).
     */
    static String paths(Ping.Pong p) {
        PathInfo via = p.via();
        if (via == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(", ").append(via.type().name().toLowerCase(java.util.Locale.ROOT))
                .append(" path rtt ").append(via.rtt() == null ? "?" : Format.ms(via.rtt()));
        for (PathInfo other : p.paths()) {
            if (other != via) {
                sb.append(", also ").append(other.where());
                if (other.rtt() != null) {
                    sb.append(" rtt ").append(Format.ms(other.rtt()));
                }
            }
        }
        return sb.toString();
    }

    private static String stats(List<Duration> ds) {
        List<Duration> s = new ArrayList<>(ds);
        Collections.sort(s);
        return String.format(java.util.Locale.ROOT, "%.2f/%.2f/%.2f ms", s.get(0).toNanos() / 1e6,
                s.get(s.size() / 2).toNanos() / 1e6, s.get(s.size() - 1).toNanos() / 1e6);
    }
}
