package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.server.DiscoveryServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code p2p-node dns-server}: what iroh-dns-server is, a pkarr relay over HTTP plus a DNS server answering
 * {@code _iroh.<z32>.<origin>} from what was published to it, until SIGINT or SIGTERM.
 */
@Command(name = "dns-server", mixinStandardHelpOptions = true,
        description = {"Run a discovery server (as iroh-dns-server): a pkarr relay at http://HTTP/pkarr/<z32> and a DNS"
                + " server answering TXT _iroh.<z32>.<origin> from the packets published to it, until Ctrl-C or SIGTERM.",
                "Prints 'dns:', 'http:', 'pkarr relay:' and 'origins:' lines on stdout."})
final class DnsServerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dns-bind", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:5300",
            converter = Converters.SocketAddrConverter.class,
            description = "UDP and TCP address of the DNS server (default: ${DEFAULT-VALUE}, iroh-dns-server's).")
    InetSocketAddress dnsBind;

    @Option(names = "--http-bind", paramLabel = "IP:PORT", defaultValue = "0.0.0.0:8080",
            converter = Converters.SocketAddrConverter.class,
            description = "Address of the pkarr relay over HTTP (default: ${DEFAULT-VALUE}, iroh-dns-server's).")
    InetSocketAddress httpBind;

    @Option(names = "--origin", paramLabel = "DOMAIN",
            description = "Zone answered, repeatable (default: " + DiscoveryServer.DEFAULT_ORIGIN
                    + ", the name unmodified iroh nodes ask; '.' for names right under the root).")
    List<String> origins;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> zones = origins == null ? List.of(DiscoveryServer.DEFAULT_ORIGIN)
                : origins.stream().map(o -> o.equals(".") ? "" : o).toList();
        try (StopSignal stop = new StopSignal()) {
            DiscoveryServer server;
            try {
                server = DiscoveryServer.builder().dnsBind(dnsBind).httpBind(httpBind).origins(zones).start();
            } catch (IOException e) {
                err.println("p2p-node dns-server: " + e.getMessage());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("p2p-node dns-server: " + e.getMessage());
                return 2;
            }
            try (server) {
                out.println("dns: " + SocketAddrs.format(server.dnsAddress()));
                out.println("http: " + SocketAddrs.format(server.httpAddress()));
                out.println("pkarr relay: " + server.pkarrRelayUrl());
                out.println("origins: " + String.join(" ", server.origins().stream().map(o -> o.isEmpty() ? "." : o).toList()));
                out.flush();
                err.println("serving until Ctrl-C or SIGTERM");
                String why = stop.await();
                err.println("stopping (" + why + "): " + server.stats());
            }
            err.println("stopped");
            return 0;
        }
    }
}
