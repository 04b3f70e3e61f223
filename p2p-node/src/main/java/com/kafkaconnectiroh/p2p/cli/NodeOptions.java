package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.NodeTicket;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every command that runs a node takes: its identity and the UDP address to bind. */
final class NodeOptions {
    @Mixin
    IdentityOptions identity = new IdentityOptions();

    @Option(names = "--bind", paramLabel = "IP:PORT", converter = Converters.SocketAddrConverter.class,
            description = "UDP address to bind (default: 0.0.0.0:0, all IPv4 addresses, any port; [::]:0 for IPv6).")
    InetSocketAddress bind;

    /**
     * Binds with the identity options; without {@code --bind}, IPv6 if every address of {@code target} is IPv6.
     *
     * @throws CliException a malformed secret (exit 2), an unreadable key file or a socket that cannot be bound (1)
     */
    Endpoint bind(EndpointAddr target) throws CliException {
        return bind(target, new TransportConfig());
    }

    /** Like {@link #bind(EndpointAddr)} with these QUIC settings (gossip keeps connections alive, as iroh). */
    Endpoint bind(EndpointAddr target, TransportConfig transport) throws CliException {
        InetSocketAddress addr = bind;
        if (addr == null) {
            boolean v6Only = target != null && !target.ipAddrs().isEmpty()
                    && target.ipAddrs().stream().allMatch(a -> a.getAddress() instanceof Inet6Address);
            addr = new InetSocketAddress(v6Only ? "::" : "0.0.0.0", 0);
        }
        SecretKey key = identity.secretKeyForCommand();
        try {
            return Endpoint.builder().secretKey(key).bindAddr(addr).transportConfig(transport).bind();
        } catch (IOException e) {
            throw new CliException(e.getMessage(), 1, e);
        }
    }

    /**
     * A serving command's node failed on its own (see {@code Endpoint.closed()}): one line on stderr, exit 1.
     */
    static int reportFailure(PrintStream err, String command, Endpoint ep) {
        err.println("p2p-node " + command + ": the node failed and stopped serving: " + ep.failure());
        err.flush();
        return 1;
    }

    /**
     * Prints how to reach {@code ep}, one {@code name: value} line each (the order is part of the CLI's interface):
     * <pre>
     * endpoint id: &lt;64 hex&gt;
     * ticket: endpoint…            (iroh 1.x EndpointTicket)
     * node ticket: node…           (iroh 0.35 NodeTicket)
     * addr: &lt;id&gt;@&lt;ip:port&gt;[,&lt;ip:port&gt;…]
     * bound: &lt;ip:port&gt;
     * </pre>
     */
    static void printAddress(PrintStream out, Endpoint ep) {
        addressLines(ep).forEach(out::println);
        out.flush();
    }

    /** {@link #printAddress(PrintStream, Endpoint)} to a writer (commands that print through picocli's). */
    static void printAddress(java.io.PrintWriter out, Endpoint ep) {
        addressLines(ep).forEach(out::println);
        out.flush();
    }

    private static java.util.List<String> addressLines(Endpoint ep) {
        EndpointAddr addr = ep.addr();
        return java.util.List.of(
                "endpoint id: " + ep.id(),
                "ticket: " + ep.ticket(),
                "node ticket: " + new NodeTicket(addr),
                "addr: " + ep.id() + "@" + addr.ipAddrs().stream().map(SocketAddrs::format).collect(Collectors.joining(",")),
                "bound: " + SocketAddrs.format(ep.boundAddress()));
    }
}
