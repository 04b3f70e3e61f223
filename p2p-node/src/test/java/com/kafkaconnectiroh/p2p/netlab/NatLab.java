package com.kafkaconnectiroh.p2p.netlab;

import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small internet in Linux network namespaces, with homes behind NAT routers: real packets, real conntrack, no
 * root-namespace interface touched. Needs root, {@code ip} (iproute2) and {@code nft} (nftables).
 *
 * <pre>
 *   internet namespace: bridge br0, 198.18.0.1/24 and 198.18.0.2/24 (public hosts: relay, echo servers)
 *        | veth (one per NAT, its WAN port 198.18.0.(10+n))
 *   nat n namespace: forwards lan -> wan, nftables masquerade on wan, drops what conntrack did not ask for
 *        | veth (LAN 10.0.n.0/24, router 10.0.n.1)
 *   home n namespace: 10.0.n.2, default route via the router: where a node or an iroh peer runs
 * </pre>
 *
 * A LAN ({@link #addLan}) stands apart: host namespaces on one bridge, multicast between them, for local-network
 * discovery.
 *
 * Addresses come from 198.18.0.0/15 (RFC 2544 benchmarking range) and 10/8; nothing is linked to the root
 * namespace, so no packet can leave the machine. Namespace names carry a prefix, this JVM's pid and a counter
 * ({@code p2plab-<pid>-<n>-inet}), so parallel runs never clash; {@link #create()} first deletes the namespaces of
 * earlier runs whose JVM is gone (crashed or killed), {@link #close()} and a shutdown hook delete this run's.
 *
 * <p>The NAT kinds ({@link Nat}) and what Linux gives for each are in the docs (docs/relay.md, "Testing across
 * NATs"); {@code NatLabIT} proves them with packets.
 *
 * <pre>{@code
 * try (NatLab lab = NatLab.create()) {
 *     NatLab.Home home = lab.addHome(NatLab.Nat.SYMMETRIC);
 *     ChildJvm node = lab.start(home.namespace(), log, ChildJvm.javaCommand(Main.class, "serve", "--relay", url));
 *     node.expect(l -> l.startsWith("ticket: "), Duration.ofSeconds(30));
 * } // kills node, deletes the namespaces
 * }</pre>
 */
public final class NatLab implements AutoCloseable {
    /** Every namespace of the lab starts with this. */
    public static final String PREFIX = "p2plab-";
    private static final Pattern OURS = Pattern.compile(PREFIX + "(\\d+)-\\d+-\\S+");
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Set<NatLab> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
    private static final String BRIDGE = "br0";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (NatLab lab : List.copyOf(OPEN)) {
                lab.close();
            }
        }, "natlab-teardown"));
    }

    /** How a NAT router maps and filters; the nftables statement on its WAN port says it. */
    public enum Nat {
        /**
         * Endpoint-independent mapping: plain masquerade keeps the source port when it is free and reuses the
         * mapping for every destination (RFC 4787 §4.1 "endpoint-independent"). Filtering is conntrack's:
         * address-and-port-dependent, so only the destination a home sent to can answer ("port-restricted cone").
         */
        ENDPOINT_INDEPENDENT("masquerade"),
        /** Symmetric: {@code fully-random} picks a new random port for every new destination (address and port). */
        SYMMETRIC("masquerade fully-random");

        final String nftStatement;

        Nat(String nftStatement) {
            this.nftStatement = nftStatement;
        }
    }

    /** A host behind a NAT router: where it runs, its LAN address, and the NAT's public (WAN) address. */
    public record Home(String namespace, String natNamespace, Nat nat, InetAddress lanAddress, InetAddress publicAddress) {
    }

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<ChildJvm> processes = new ArrayList<>();
    private final List<Home> homes = new ArrayList<>();
    private int lans;
    private boolean closed;

    private NatLab(String prefix) {
        this.prefix = prefix;
    }

    /**
     * Removes what crashed runs left, then builds the internet namespace (no homes yet).
     *
     * @throws IOException a command failed (not root, no {@code ip}/{@code nft}): its output says why
     */
    public static NatLab create() throws IOException {
        removeLeftovers();
        NatLab lab = new NatLab(PREFIX + ProcessHandle.current().pid() + "-" + LABS.incrementAndGet() + "-");
        OPEN.add(lab);
        try {
            String inet = lab.namespace("inet");
            lab.ip("-n", inet, "link", "add", BRIDGE, "type", "bridge");
            for (int i = 1; i <= 2; i++) {
                lab.ip("-n", inet, "addr", "add", "198.18.0." + i + "/24", "dev", BRIDGE);
            }
            lab.ip("-n", inet, "link", "set", BRIDGE, "up");
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** The internet namespace, where public hosts run (relay, echo servers). */
    public String internet() {
        return prefix + "inet";
    }

    /** A public address of the internet namespace: {@code 198.18.0.1} (i = 1) or {@code 198.18.0.2} (i = 2). */
    public InetAddress internetAddress(int i) {
        if (i < 1 || i > 2) {
            throw new IllegalArgumentException("the internet namespace has addresses 1 and 2, not " + i);
        }
        return address("198.18.0." + i);
    }

    /** A new home behind its own NAT router of kind {@code nat}. */
    public synchronized Home addHome(Nat nat) throws IOException {
        int n = homes.size() + 1;
        if (n > 200) {
            throw new IllegalStateException("at most 200 homes per lab");
        }
        String router = namespace("nat" + n);
        String home = namespace("home" + n);
        InetAddress wan = address("198.18.0." + (10 + n));
        InetAddress lan = address("10.0." + n + ".2");

        // WAN: a veth from the router into the internet's bridge.
        ip("-n", router, "link", "add", "wan", "type", "veth", "peer", "name", "nat" + n, "netns", internet());
        ip("-n", internet(), "link", "set", "nat" + n, "master", BRIDGE, "up");
        ip("-n", router, "addr", "add", wan.getHostAddress() + "/24", "dev", "wan");
        ip("-n", router, "link", "set", "wan", "up");
        // LAN: a veth from the home to the router.
        ip("-n", home, "link", "add", "eth0", "type", "veth", "peer", "name", "lan", "netns", router);
        ip("-n", router, "addr", "add", "10.0." + n + ".1/24", "dev", "lan");
        ip("-n", router, "link", "set", "lan", "up");
        ip("-n", home, "addr", "add", lan.getHostAddress() + "/24", "dev", "eth0");
        ip("-n", home, "link", "set", "eth0", "up");
        ip("-n", home, "route", "add", "default", "via", "10.0." + n + ".1");

        run(List.of("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1"), null);
        // Forward only what the home started (and its replies); masquerade what leaves on the WAN port. Drop what
        // arrives unsolicited for the router itself before conntrack confirms it: a kept entry for a peer's early
        // hole-punching datagram (peer:p -> wan:q) would hold the very tuple the home's own flow to that peer needs,
        // so masquerade would move the home to another port and the mapping would turn endpoint-dependent exactly
        // when hole punching needs it not to (a home router's firewall drops these too).
        String rules = """
                table ip natlab {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    iifname "wan" ct state new drop
                  }
                  chain forward {
                    type filter hook forward priority filter; policy drop;
                    ct state established,related accept
                    iifname "lan" oifname "wan" accept
                  }
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "wan" %s
                  }
                }
                """.formatted(nat.nftStatement);
        run(List.of("ip", "netns", "exec", router, "nft", "-f", "-"), rules);

        Home h = new Home(home, router, nat, lan, wan);
        homes.add(h);
        return h;
    }

    /**
     * Cuts the direct route between {@code home} and {@code peer}: its NAT router drops every UDP datagram from or to
     * {@code peer} from now on, both ways, mappings or not (TCP, i.e. a relay connection, goes on). The rules go in
     * front of the forward chain, so conntrack's "established" does not let the flows already open through.
     */
    public void dropUdp(Home home, InetAddress peer) throws IOException {
        String ip = peer.getHostAddress();
        run(List.of("ip", "netns", "exec", home.natNamespace(), "nft", "-f", "-"), """
                insert rule ip natlab forward ip saddr %s meta l4proto udp drop
                insert rule ip natlab forward ip daddr %s meta l4proto udp drop
                """.formatted(ip, ip));
    }

    /** A host on a {@link Lan}: its namespace and its address on the LAN. */
    public record LanHost(String namespace, InetAddress address) {
    }

    /** Hosts on one Ethernet segment: no router, no internet, multicast between them (what mDNS needs). */
    public record Lan(String bridgeNamespace, List<LanHost> hosts) {
    }

    /**
     * A new LAN of {@code hosts} namespaces, each with {@code eth0} on one bridge (in a namespace of its own) and
     * an address {@code 10.(100+n).0.(i+1)/24}, the multicast range routed out of {@code eth0}. The bridge floods
     * multicast to every port (snooping off), as a plain switch does, so mDNS on 224.0.0.251 reaches every host.
     * Not linked to the internet namespace or to any home.
     */
    public synchronized Lan addLan(int hosts) throws IOException {
        if (hosts < 1 || hosts > 200) {
            throw new IllegalArgumentException("a LAN has 1..200 hosts, not " + hosts);
        }
        int n = ++lans;
        String bridgeNs = namespace("lan" + n);
        ip("-n", bridgeNs, "link", "add", BRIDGE, "type", "bridge", "mcast_snooping", "0");
        ip("-n", bridgeNs, "link", "set", BRIDGE, "up");
        List<LanHost> out = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            String host = namespace("lan" + n + "-h" + i);
            InetAddress addr = address("10." + (100 + n) + ".0." + (i + 1));
            ip("-n", host, "link", "add", "eth0", "type", "veth", "peer", "name", "h" + i, "netns", bridgeNs);
            ip("-n", bridgeNs, "link", "set", "h" + i, "master", BRIDGE, "up");
            ip("-n", host, "addr", "add", addr.getHostAddress() + "/24", "dev", "eth0");
            ip("-n", host, "link", "set", "eth0", "up");
            ip("-n", host, "route", "add", "224.0.0.0/4", "dev", "eth0");
            out.add(new LanHost(host, addr));
        }
        return new Lan(bridgeNs, List.copyOf(out));
    }

    /** Starts {@code command} in {@code namespace}; the lab kills it on {@link #close()} if it still runs. */
    public synchronized ChildJvm start(String namespace, Path log, List<String> command) throws IOException {
        if (!namespaces.contains(namespace)) {
            throw new IllegalArgumentException("not a namespace of this lab: " + namespace);
        }
        ChildJvm p = ChildJvm.start(inNamespace(namespace, command), log);
        processes.add(p);
        return p;
    }

    /** {@code ip netns exec <namespace> <command>}: how to run anything inside the lab. */
    public static List<String> inNamespace(String namespace, List<String> command) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        out.addAll(command);
        return out;
    }

    /** Kills the processes it started, then deletes its namespaces (with their veths, bridge and rules). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ChildJvm p : processes) {
            p.process.destroyForcibly(); // what is left inside dies with deleteNamespace
        }
        List<String> reversed = new ArrayList<>(namespaces);
        Collections.reverse(reversed);
        for (String ns : reversed) {
            deleteNamespace(ns);
        }
        OPEN.remove(this);
    }

    // ---------------------------------------------------------------------------------------------------------

    private String namespace(String suffix) throws IOException {
        String name = prefix + suffix;
        run(List.of("ip", "netns", "add", name), null);
        namespaces.add(name);
        ip("-n", name, "link", "set", "lo", "up");
        return name;
    }

    private void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd, null);
    }

    /** The names {@code ip netns list} shows now. */
    public static Set<String> existingNamespaces() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (String line : output(List.of("ip", "netns", "list")).split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip().split("\\s")[0]);
            }
        }
        return out;
    }

    /** Namespaces of earlier runs whose JVM no longer lives: a crash or kill -9 skipped their teardown. */
    private static void removeLeftovers() throws IOException {
        for (String ns : existingNamespaces()) {
            Matcher m = OURS.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                deleteNamespace(ns);
            }
        }
    }

    /**
     * Kills what still runs inside (only our own children end up there) and deletes the namespace; errors are
     * ignored so one failure does not keep the rest.
     */
    private static void deleteNamespace(String ns) {
        try {
            for (String pid : output(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            run(List.of("ip", "netns", "delete", ns), null);
        } catch (IOException | RuntimeException e) {
            System.err.println("natlab: could not delete namespace " + ns + ": " + e.getMessage());
        }
    }

    private static String output(List<String> cmd) throws IOException {
        return run(cmd, null);
    }

    /** Runs {@code cmd} (stdin from {@code input} if not null) and returns its output; non-zero exit throws. */
    static String run(List<String> cmd, String input) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no exit within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
