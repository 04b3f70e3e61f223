package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.Discovery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code p2p-node discovery resolve ID}: what each discovery mechanism finds for an endpoint id. */
@Command(name = "discovery", mixinStandardHelpOptions = true,
        description = "Find endpoints by id through discovery (pkarr relay, DNS).",
        subcommands = {DiscoveryCommand.Resolve.class})
final class DiscoveryCommand {

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = {"Ask every discovery mechanism for ID's addresses and print what each found.",
                    "One line per mechanism: '<name>: found <addr>[,<addr>…] [relay <url>…]', '<name>: nothing' or"
                            + " '<name>: failed: <why>', then 'addr: <id>@<addr>,…' with everything found.",
                    "Exit 0 if something was found, 1 if not."})
    static final class Resolve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", converter = Converters.EndpointAddrConverter.class,
                description = "Endpoint id (64 hex or 52 base32 characters; a ticket's id is used too).")
        EndpointAddr target;

        @Mixin
        DiscoveryOptions discovery = new DiscoveryOptions();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Discovery d;
            try {
                // resolving signs nothing: a throwaway key serves for the mechanisms that also publish
                d = discovery.start(SecretKey.generate());
            } catch (CliException e) {
                return e.report(err, "discovery resolve");
            }
            if (d == null) {
                err.println("p2p-node discovery resolve: no discovery mechanism is on (--no-discovery or "
                        + DiscoveryOptions.ENV + "=none); name one with --discovery, --pkarr-relay or --dns-origin");
                return 2;
            }
            try (d) {
                List<EndpointAddr> found = new ArrayList<>();
                for (Map.Entry<String, Discovery.Outcome> e : d.resolveEach(target.id()).entrySet()) {
                    Discovery.Outcome o = e.getValue();
                    String line;
                    if (o.error() != null) {
                        line = "failed: " + o.error();
                    } else if (o.addr().isEmpty()) {
                        line = "nothing";
                    } else {
                        found.add(o.addr().get());
                        line = "found " + describe(o.addr().get());
                    }
                    out.println(e.getKey() + ": " + line);
                }
                if (found.isEmpty()) {
                    out.flush();
                    err.println("p2p-node discovery resolve: nothing found for " + target.id());
                    return 1;
                }
                EndpointAddr.Builder all = EndpointAddr.builder(target.id());
                found.forEach(a -> {
                    all.ipAddrs(a.ipAddrs());
                    a.relayUrls().forEach(all::relayUrl);
                });
                EndpointAddr merged = all.build();
                out.println("addr: " + merged.id() + "@" + merged.ipAddrs().stream().map(SocketAddrs::format)
                        .collect(Collectors.joining(",")));
                out.flush();
                return 0;
            }
        }

        private static String describe(EndpointAddr a) {
            String ips = a.ipAddrs().stream().map(SocketAddrs::format).collect(Collectors.joining(","));
            String relays = a.relayUrls().stream().map(u -> "relay " + u).collect(Collectors.joining(" "));
            return (ips.isEmpty() ? "no direct address" : ips) + (relays.isEmpty() ? "" : " " + relays);
        }
    }
}
