package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.NodeTicket;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every command that runs a node takes: its identity, the UDP address to bind, its relays and discovery. */
final class NodeOptions {
    @Mixin
    IdentityOptions identity = new IdentityOptions();

    @Mixin
    DiscoveryOptions discovery = new DiscoveryOptions();

    @Option(names = "--bind", paramLabel = "IP:PORT", converter = Converters.SocketAddrConverter.class,
            description = "UDP address to bind (default: 0.0.0.0:0, all IPv4 addresses, any port; [::]:0 for IPv6).")
    InetSocketAddress bind;

    @Option(names = "--relay", paramLabel = "URL", converter = Converters.RelayUrlConverter.class,
            description = "Home relay (iroh 1.x relay, http:// or https://); repeatable: the fastest to answer is used."
                    + " Tickets then carry it. A peer's relay is dialed without this too when it has no usable direct address.")
    List<RelayUrl> relays = new ArrayList<>();

    @Option(names = "--no-relay", description = "Use no relay at all: ignore relay URLs in targets, connect to none.")
    boolean noRelay;

    @Option(names = "--relay-only", description = "Only relay paths: advertise and dial no direct address.")
    boolean relayOnly;

    @Option(names = "--multipath", description = "Offer QUIC multipath and NAT traversal, as iroh 1.x does (the "
            + "default): a connection that starts on a relay moves to a direct path once hole punching finds one, and "
            + "back if it dies.")
    boolean multipath;

    @Option(names = "--no-multipath", description = "Plain QUIC: one path per connection, where it started.")
    boolean noMultipath;

    /** Whether connections offer multipath: on unless {@code --no-multipath} ({@code --multipath} is the default). */
    boolean multipath() throws CliException {
        if (multipath && noMultipath) {
            throw new CliException("--multipath and --no-multipath exclude each other", 2, null);
        }
        return !noMultipath;
    }

    /** How long the address block waits for the home relay before it is printed (tickets should carry it). */
    static final Duration ONLINE_WAIT = Duration.ofSeconds(10);

    /**
     * A node builder with the identity options, the bind address (without {@code --bind}: IPv6 if every address of
     * {@code target} is IPv6), iroh's QUIC settings without keep-alives, the discovery flags and no protocols: each
     * command adds what it runs and serves.
     *
     * @throws CliException a malformed secret, {@code --no-relay} with {@code --relay} or {@code --relay-only} (exit 2),
     *                      or an unreadable key file (1)
     */
    Node.Builder nodeBuilder(EndpointAddr target) throws CliException {
        if (noRelay && (!relays.isEmpty() || relayOnly)) {
            throw new CliException("--no-relay cannot be combined with " + (relayOnly ? "--relay-only" : "--relay"), 2, null);
        }
        RelayMode mode = noRelay ? RelayMode.DISABLED : relayOnly ? RelayMode.RELAY_ONLY : RelayMode.DEFAULT;
        InetSocketAddress addr = bind;
        if (addr == null) {
            boolean v6Only = target != null && !target.ipAddrs().isEmpty()
                    && target.ipAddrs().stream().allMatch(a -> a.getAddress() instanceof Inet6Address);
            addr = new InetSocketAddress(v6Only ? "::" : "0.0.0.0", 0);
        }
        Node.Builder b = Node.builder().secretKey(identity.secretKeyForCommand()).bindAddr(addr)
                .transportConfig(new TransportConfig()).protocols(Set.of()).relayMode(mode).relayUrls(relays)
                .discovery(discovery.config()).multipath(multipath());
        if (discovery.dhtOn()) {
            b.dhtBootstrap(discovery.dhtBootstrap()); // empty (dht named alone): DhtNode.DEFAULT_BOOTSTRAP
        }
        b.localDiscovery(discovery.localDiscovery());
        return b;
    }

    /**
     * Spawns the node {@code builder} describes.
     *
     * @throws CliException the socket cannot be bound or a store cannot be opened (exit 1)
     */
    static Node spawn(Node.Builder builder) throws CliException {
        try {
            return builder.spawn();
        } catch (IOException e) {
            throw new CliException(e.getMessage(), 1, e);
        }
    }

    /**
     * A serving command's node failed on its own (see {@code Endpoint.closed()}): one line on stderr, exit 1.
     */
    static int reportFailure(PrintWriter err, String command, Endpoint ep) {
        err.println("p2p-node " + command + ": the node failed and stopped serving: " + ep.failure());
        err.flush();
        return 1;
    }

    /**
     * Runs a serving command's node {@code n} until SIGINT or SIGTERM ({@code serve}, {@code tracker}): prints its
     * address lines and {@code alpns: …} on stdout, then serves, and closes it. {@code summary} is said on stderr
     * when stopping.
     */
    int serveUntilStopped(String command, Node n, StopSignal stop, PrintWriter out, PrintWriter err,
            java.util.function.Supplier<String> summary) throws InterruptedException {
        Endpoint ep = n.endpoint();
        try {
            printAddress(out, ep);
            out.println("alpns: " + String.join(" ", n.router().alpns().stream().sorted().toList()));
            out.flush();
            if (identity.isEphemeral()) {
                err.println("p2p-node: no --data-dir, --secret or IROH_SECRET: this endpoint id is new and will not be reused");
            }
            err.println("serving until Ctrl-C or SIGTERM");
            stop.watch(ep);
            String why = stop.await();
            if (ep.failure() != null) {
                return reportFailure(err, command, ep);
            }
            err.println("stopping (" + why + "): " + summary.get());
        } finally {
            n.close();
        }
        err.println("stopped");
        return 0;
    }

    /**
     * Prints how to reach {@code ep}, one {@code name: value} line each (the order is part of the CLI's interface):
     * <pre>
     * endpoint id: &lt;64 hex&gt;
     * ticket: endpoint…            (iroh 1.x EndpointTicket)
     * node ticket: node…           (iroh 0.35 NodeTicket)
     * addr: &lt;id&gt;@&lt;ip:port&gt;[,&lt;ip:port&gt;…]
     * bound: &lt;ip:port&gt;
     * relay: &lt;home relay URL&gt;   (only with a home relay)
     * </pre>
     * With a home relay configured it first waits (up to {@link #ONLINE_WAIT}) until that relay is connected.
     */
    static void printAddress(PrintWriter out, Endpoint ep) {
        try {
            ep.online(ONLINE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        addressLines(ep).forEach(out::println);
        out.flush();
    }

    private static List<String> addressLines(Endpoint ep) {
        EndpointAddr addr = ep.addr();
        List<String> lines = new ArrayList<>(List.of(
                "endpoint id: " + ep.id(),
                "ticket: " + new EndpointTicket(addr),
                "node ticket: " + new NodeTicket(addr),
                "addr: " + ep.id() + "@" + addr.ipAddrs().stream().map(SocketAddrs::format).collect(Collectors.joining(",")),
                "bound: " + SocketAddrs.format(ep.boundAddress())));
        addr.relayUrl().ifPresent(url -> lines.add("relay: " + url));
        return lines;
    }
}
