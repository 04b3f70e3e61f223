package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.discovery.tracker.Tracker;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node tracker}: runs a content tracker ({@value TrackerMessages#ALPN}, as iroh-content-tracker) until
 * SIGINT or SIGTERM. Prints the same address lines as {@code serve}, then {@code alpns: …}; holds what it is told
 * in memory only.
 */
@Command(name = "tracker", mixinStandardHelpOptions = true,
        description = {"Run a content tracker (" + TrackerMessages.ALPN + ", as iroh-content-tracker): providers announce"
                + " the hashes they have, 'blob get HASH --tracker ID' asks who has one. Runs until Ctrl-C or SIGTERM;"
                + " remembers nothing across runs.",
                "Prints 'endpoint id:', 'ticket:', 'node ticket:', 'addr:', 'bound:', 'relay:' (with --relay) and 'alpns:' lines on stdout."})
final class TrackerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal stop = new StopSignal()) {
            Tracker tracker = new Tracker();
            Node n;
            try {
                n = NodeOptions.spawn(node.nodeBuilder(null).protocols(Set.of()).accept(TrackerMessages.ALPN, tracker));
            } catch (CliException e) {
                return e.report(err, "tracker");
            }
            return node.serveUntilStopped("tracker", n, stop, out, err, () -> tracker.size() + " announcements held");
        }
    }
}
