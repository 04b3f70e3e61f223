package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.ping.Speedtest;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node serve}: runs a node that answers iroh-ping ({@value Ping#ALPN}) and the speedtest
 * ({@value Speedtest#ALPN}) until SIGINT or SIGTERM. Prints its address lines (see
 * {@link NodeOptions#printAddress}) and {@code alpns: …} on stdout; what it serves goes to stderr.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run a node answering iroh-ping (" + Ping.ALPN + ") and the speedtest (" + Speedtest.ALPN
                + ") until Ctrl-C or SIGTERM.",
                "Prints 'endpoint id:', 'ticket:', 'node ticket:', 'addr:', 'bound:', 'relay:' (with --relay) and 'alpns:' lines on stdout."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal stop = new StopSignal()) {
            Ping ping = new Ping(s -> err.println(s.ok()
                    ? "ping from " + s.remote() + " at " + Format.addr(s.from()) + ": PONG sent"
                    : "ping from " + s.remote() + " at " + Format.addr(s.from()) + " failed: " + s.problem()));
            Speedtest speedtest = new Speedtest(t -> err.println("speedtest " + Format.transfer(t)));
            Node n;
            try {
                n = NodeOptions.spawn(node.nodeBuilder(null).protocols(Set.of(Node.Protocol.PING)).ping(ping)
                        .accept(Speedtest.ALPN, speedtest));
            } catch (CliException e) {
                return e.report(err, "serve");
            }
            return node.serveUntilStopped("serve", n, stop, out, err, () -> ping.pingsReceived() + " pings answered");
        }
    }
}
