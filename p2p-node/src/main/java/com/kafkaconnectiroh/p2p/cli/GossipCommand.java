package com.kafkaconnectiroh.p2p.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.gossip.BroadcastReceipt;
import com.kafkaconnectiroh.p2p.gossip.DeliveryPolicy;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node gossip subscribe|publish}: iroh-gossip from the command line. Output formats are specified in
 * {@code docs/gossip.md} ("CLI") and are a contract for scripts: text mode prints one value or message per line,
 * {@code --json} prints one JSON object per line; diagnostics go to stderr.
 */
@Command(name = "gossip", mixinStandardHelpOptions = true,
        description = "Publish and subscribe on iroh-gossip topics (wire versions /iroh-gossip/1 and /0).",
        subcommands = {GossipCommand.Subscribe.class, GossipCommand.Publish.class})
final class GossipCommand implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** What both subcommands share: identity and socket ({@link NodeOptions}), topic, bootstrap peers, output mode. */
    static final class GossipOptions {
        @Mixin
        NodeOptions node = new NodeOptions();

        @Option(names = "--topic", required = true, paramLabel = "TOPIC", converter = TopicConverter.class,
                description = "64 hex digits: the topic id itself; anything else: a name, hashed with BLAKE3 "
                        + "(UTF-8 bytes, as `printf %%s NAME | b3sum`). Only hex digits, more than 40 but not 64: "
                        + "refused (a damaged id).")
        TopicId topic;

        @Option(names = "--peer", paramLabel = "PEER", converter = Converters.EndpointAddrConverter.class,
                description = "A peer to join through: an endpoint…/node… ticket, <id>@<ip:port>[,<ip:port>…] or a bare "
                        + "id. Repeatable.")
        List<EndpointAddr> peers = new ArrayList<>();

        @Option(names = "--json", description = "One JSON object per line on stdout, for scripts.")
        boolean json;

        TopicId topicId() {
            return topic;
        }
    }

    /** {@code --topic} by {@link TopicId#parseOrName}'s rule; what it refuses is a usage error (exit 2). */
    static final class TopicConverter implements picocli.CommandLine.ITypeConverter<TopicId> {
        @Override
        public TopicId convert(String value) {
            try {
                return TopicId.parseOrName(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** A running node: endpoint (with 1 s keep-alives, as iroh) and gossip, and blobs for {@code publish --blob}. */
    static final class GossipNode implements AutoCloseable {
        final Node node;
        final Endpoint endpoint;
        final Gossip gossip;

        /** Serves blobs too when {@code serveBlobs} (publish --blob): files stay where they are. */
        final Blobs blobs;

        GossipNode(GossipOptions o) throws CliException {
            this(o, false);
        }

        GossipNode(GossipOptions o, boolean serveBlobs) throws CliException {
            EndpointAddr target = o.peers.isEmpty() ? null : o.peers.get(0);
            Node.Builder b = o.node.nodeBuilder(target)
                    .transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1)))
                    .protocols(serveBlobs ? EnumSet.of(Node.Protocol.GOSSIP, Node.Protocol.BLOBS)
                            : EnumSet.of(Node.Protocol.GOSSIP));
            MemBlobStore store = serveBlobs ? MemBlobStore.referencingFiles() : null;
            if (store != null) {
                b.blobStore(store);
            }
            try {
                this.node = NodeOptions.spawn(b);
            } catch (CliException e) {
                if (store != null) {
                    store.close(); // a memory store: nothing to lose
                }
                throw e;
            }
            this.endpoint = node.endpoint();
            this.gossip = node.gossip();
            this.blobs = serveBlobs ? node.blobs() : null;
        }

        /** {@code <id>@<ip:port>[,<ip:port>…]}: what {@code --peer} takes. */
        String idAtAddrs() {
            EndpointAddr a = endpoint.addr();
            return a.id() + "@" + a.ipAddrs().stream().map(SocketAddrs::format).collect(Collectors.joining(","));
        }

        ObjectNode readyJson(TopicId topic) {
            ObjectNode o = JSON.createObjectNode();
            o.put("type", "ready");
            o.put("id", endpoint.id().toString());
            o.put("ticket", endpoint.ticket().toString());
            o.put("addr", idAtAddrs());
            ArrayNode addrs = o.putArray("addrs");
            endpoint.addr().ipAddrs().forEach(a -> addrs.add(SocketAddrs.format(a)));
            o.put("topic", topic.toString());
            return o;
        }

        @Override
        public void close() {
            node.close();
            if (blobs != null) {
                try {
                    blobs.store().close();
                } catch (java.io.IOException e) {
                    // the process is ending; nothing was written
                }
            }
        }
    }

    static String json(ObjectNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode event(GossipEvent e) {
        ObjectNode o = JSON.createObjectNode();
        if (e instanceof GossipEvent.Received r) {
            o.put("type", "received");
            String text = utf8(r.content());
            if (text == null) {
                o.putNull("text");
            } else {
                o.put("text", text);
            }
            o.put("hex", Hex.encode(r.content()));
            o.put("from", r.deliveredFrom().toString());
            if (r.scope() instanceof DeliveryScope.Swarm s) {
                o.put("scope", "swarm");
                o.put("round", s.round());
            } else {
                o.put("scope", "neighbors");
            }
        } else if (e instanceof GossipEvent.NeighborUp u) {
            o.put("type", "neighbor-up");
            o.put("peer", u.peer().toString());
        } else if (e instanceof GossipEvent.NeighborDown d) {
            o.put("type", "neighbor-down");
            o.put("peer", d.peer().toString());
        } else if (e instanceof GossipEvent.Lagged l) {
            o.put("type", "lagged");
            o.put("messages", l.droppedMessages());
            o.put("events", l.droppedEvents());
        }
        return o;
    }

    /** The bytes as UTF-8 text, or null if they are not valid UTF-8. */
    static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * One message as one line of text: UTF-8 as is, except a backslash ({@code \\}), line feed ({@code \n}),
     * carriage return ({@code \r}), tab ({@code \t}), other control characters and bytes that are not UTF-8
     * ({@code \xNN}).
     */
    static String textLine(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            int len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            if (len > 1 && i + len <= b.length) {
                String s = utf8(java.util.Arrays.copyOfRange(b, i, i + len));
                if (s != null) {
                    sb.append(s);
                    i += len;
                    continue;
                }
            }
            if (len == 1 && c >= 0x20 && c != 0x7F && c != '\\') {
                sb.append((char) c);
            } else if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else {
                sb.append(String.format("\\x%02x", c));
            }
            i++;
        }
        return sb.toString();
    }

    static String describe(List<EndpointAddr> peers) {
        return peers.isEmpty() ? "none" : peers.stream().map(p -> p.id().fmtShort()).collect(Collectors.joining(", "));
    }

    // ================================================================================================

    @Command(name = "subscribe", mixinStandardHelpOptions = true,
            description = {"Join a topic and print every message that arrives, until Ctrl-C or SIGTERM (or --count).",
                    "stdout: the 'endpoint id:', 'ticket:', 'node ticket:', 'addr:', 'bound:' and 'topic:' lines, then one "
                            + "line per message (--json: a ready object, then one object per event)."})
    static final class Subscribe implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        GossipOptions opts = new GossipOptions();

        @Option(names = "--join-timeout", paramLabel = "DURATION", defaultValue = "15s",
                converter = Converters.DurationConverter.class,
                description = "With --peer: after this long without a neighbor, say so on stderr; subscribe keeps "
                        + "waiting (default ${DEFAULT-VALUE}).")
        Duration joinTimeout;

        @Option(names = "--count", paramLabel = "N", defaultValue = "0",
                description = "Exit (code 0) after N messages, counting those dropped because output was too slow "
                        + "(see the lagged lines); 0 (default) runs until Ctrl-C or SIGTERM.")
        long count;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            TopicId topic = opts.topicId();
            if (count < 0) {
                err.println("p2p-node gossip subscribe: --count must be 0 (no limit) or more, got " + count);
                err.flush();
                return EXIT_USAGE;
            }
            try (StopSignal stop = new StopSignal()) {
                GossipNode n;
                try {
                    n = new GossipNode(opts);
                } catch (CliException e) {
                    return report(err, "gossip subscribe", e);
                }
                try (n) {
                    GossipTopic t = n.gossip.subscribe(topic, opts.peers);
                    if (opts.json) {
                        out.println(json(n.readyJson(topic)));
                    } else {
                        NodeOptions.printAddress(out, n.endpoint);
                        out.println("topic: " + topic);
                    }
                    out.flush();
                    err.println("p2p-node: subscribed to topic " + topic + " (bootstrap peers: " + describe(opts.peers)
                            + "); others join with --peer and the ticket above; until Ctrl-C or SIGTERM");
                    err.flush();
                    Thread stopper = new Thread(() -> {
                        String why = stop.await();
                        if (why != null) {
                            err.println("p2p-node: stopping (" + why + ")");
                            err.flush();
                        }
                        t.close();
                    }, "p2p-node-gossip-stop");
                    stopper.setDaemon(true);
                    stopper.start();
                    if (!opts.peers.isEmpty()) {
                        // Subscribing keeps waiting (others may still join us), but say when the bootstrap peers
                        // could not be reached, rather than staying silent.
                        t.joined().copy().orTimeout(joinTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, x) -> {
                            if (x != null && !t.isClosed()) {
                                err.println("p2p-node: no neighbor on topic " + topic + " after "
                                        + ConnectFailures.time(joinTimeout) + " (peers tried: "
                                        + describe(opts.peers) + "); still waiting");
                                err.flush();
                            }
                        });
                    }
                    long received = 0;
                    long lost = 0;
                    while (count == 0 || received + lost < count) {
                        GossipEvent e;
                        try {
                            e = t.next();
                        } catch (InterruptedException interrupted) {
                            break; // embedded and interrupted: leave as on a signal
                        }
                        if (e == null) {
                            break; // stopped
                        }
                        boolean wrote = true;
                        if (e instanceof GossipEvent.Received r) {
                            received++;
                            out.println(opts.json ? json(event(e)) : textLine(r.content()));
                        } else if (opts.json) {
                            out.println(json(event(e)));
                        } else {
                            err.println("p2p-node: " + human(e));
                            err.flush();
                            wrote = false;
                        }
                        if (e instanceof GossipEvent.Lagged l) {
                            lost += l.droppedMessages();
                        }
                        if (wrote && stdoutClosed(out)) {
                            // As coreutils do when SIGPIPE is ignored (the JVM ignores it): say so, exit 1.
                            t.close();
                            err.println("p2p-node gossip subscribe: write error on stdout (its reader is gone, "
                                    + "e.g. head exited); left the topic after " + received + " message(s)");
                            err.flush();
                            return EXIT_FAILURE;
                        }
                    }
                    t.close();
                    if (lost > 0) {
                        err.println("p2p-node: " + (received + lost) + " message(s) counted, " + lost
                                + " of them dropped because output was too slow");
                        err.flush();
                    }
                    return 0;
                }
            }
        }
    }

    /**
     * Flushes {@code out}; true if writing failed (a closed pipe: EPIPE, since the JVM ignores SIGPIPE). The
     * process's own {@code System.out} swallows errors into its own flag, which picocli's writer over it does not
     * see, so that flag is read too.
     */
    static boolean stdoutClosed(PrintWriter out) {
        return out.checkError() || System.out.checkError();
    }

    static int report(PrintWriter err, String command, CliException e) {
        err.println("p2p-node " + command + ": " + e.getMessage());
        err.flush();
        return e.exitCode();
    }

    static String human(GossipEvent e) {
        if (e instanceof GossipEvent.NeighborUp u) {
            return "neighbor up " + u.peer();
        } else if (e instanceof GossipEvent.NeighborDown d) {
            return "neighbor down " + d.peer();
        } else if (e instanceof GossipEvent.Lagged l) {
            return "lagged: " + l.droppedMessages() + " message(s) were dropped because output was too slow ("
                    + l.droppedEvents() + " event(s) in all)";
        }
        return e.toString();
    }

    // ================================================================================================

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Join a topic, broadcast MESSAGE (or each line of stdin), and exit once it has left.",
                    "Waits until at least one neighbor is reached (exit 1 with an error if none is within "
                            + "--join-timeout); exits 0 only if every message was acknowledged as --acks asks (by "
                            + "default by every neighbor it was pushed to): their QUIC stacks acknowledged the "
                            + "frames carrying it."})
    static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        GossipOptions opts = new GossipOptions();

        @Option(names = "--join-timeout", paramLabel = "DURATION", defaultValue = "10s",
                converter = Converters.DurationConverter.class,
                description = "How long to wait for the first neighbor (default ${DEFAULT-VALUE}).")
        Duration joinTimeout;

        @Option(names = "--acks", paramLabel = "all|N", defaultValue = "all",
                description = "When a message counts as delivered: 'all' (default) once every neighbor it was pushed "
                        + "to acknowledged it; N once N of them did.")
        String acks;

        @Option(names = "--ack-timeout", paramLabel = "DURATION", defaultValue = "30s",
                converter = Converters.DurationConverter.class,
                description = "How long each message may wait for its acknowledgements (default ${DEFAULT-VALUE}).")
        Duration ackTimeout;

        @Parameters(arity = "0..1", paramLabel = "MESSAGE",
                description = "The message (UTF-8). Without it, each line of stdin is one message (raw bytes, up to "
                        + "the maximum message size).")
        String message;

        @Option(names = "--blob", paramLabel = "FILE",
                description = "Publish one envelope (docs/envelope.md) referencing FILE as a blob, served by this node "
                        + "in place until Ctrl-C or SIGTERM: receivers (the source connector, iroh apps) fetch it, "
                        + "verified. No MESSAGE or stdin with it.")
        java.nio.file.Path blob;

        /**
         * {@code --acks} and {@code --ack-timeout} (never 0: the converter refuses it) as the node's policy; null
         * (after saying why) if {@code --acks} is invalid.
         */
        DeliveryPolicy policy(PrintWriter err) {
            if (acks.equals("all")) {
                return DeliveryPolicy.everyPushedNeighbor().withTimeout(ackTimeout);
            }
            try {
                int n = Integer.parseInt(acks.trim());
                if (n >= 1) {
                    return DeliveryPolicy.atLeast(n).withTimeout(ackTimeout);
                }
            } catch (NumberFormatException e) {
                // below
            }
            err.println("p2p-node gossip publish: --acks must be 'all' or a number of neighbors (1 or more), got '"
                    + acks + "'");
            return null;
        }

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            TopicId topic = opts.topicId();
            List<EndpointAddr> peers = opts.peers;
            if (peers.isEmpty()) {
                err.println("p2p-node gossip publish: at least one --peer is needed to reach the topic's swarm");
                err.flush();
                return EXIT_USAGE;
            }
            DeliveryPolicy policy = policy(err);
            if (policy == null) {
                err.flush();
                return EXIT_USAGE;
            }
            if (blob != null && message != null) {
                err.println("p2p-node gossip publish: --blob publishes a reference to its file; give no MESSAGE with it");
                err.flush();
                return EXIT_USAGE;
            }
            if (blob != null && !java.nio.file.Files.isRegularFile(blob)) {
                err.println("p2p-node gossip publish: --blob " + blob + " is not a regular file");
                err.flush();
                return EXIT_USAGE;
            }
            GossipNode n;
            try {
                n = new GossipNode(opts, blob != null);
            } catch (CliException e) {
                return report(err, "gossip publish", e);
            }
            try (n) {
                int max = n.gossip.maxContentSize();
                byte[] argument = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
                if (blob != null) {
                    argument = blobEnvelope(n, out, err);
                }
                if (argument != null && argument.length > max) {
                    // before joining: waiting for a swarm only to refuse the message would waste the user's time
                    err.println("p2p-node gossip publish: the message has " + argument.length
                            + " bytes, more than the maximum of " + max + "; not sent");
                    err.flush();
                    return EXIT_FAILURE;
                }
                if (opts.json) {
                    out.println(json(n.readyJson(topic)));
                    out.flush();
                }
                GossipTopic t = n.gossip.subscribe(topic, peers);
                try {
                    t.joined().get(joinTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    err.println("p2p-node gossip publish: no neighbor reached on topic " + topic + " within "
                            + ConnectFailures.time(joinTimeout) + " (peers tried: " + describe(peers) + ")");
                    err.flush();
                    return EXIT_FAILURE;
                }
                if (opts.json) {
                    ObjectNode j = JSON.createObjectNode().put("type", "joined");
                    ArrayNode a = j.putArray("neighbors");
                    t.neighbors().forEach(id -> a.add(id.toString()));
                    out.println(json(j));
                    out.flush();
                }
                err.println("p2p-node: joined topic " + topic + " (neighbors: "
                        + t.neighbors().stream().map(EndpointId::fmtShort).collect(Collectors.joining(", ")) + ")");
                err.flush();
                PublishTally tally = new PublishTally();
                int sent = 0;
                StdinLines in = argument != null ? null : new StdinLines(System.in, max);
                while (true) {
                    byte[] b;
                    if (in == null) {
                        if (sent > 0) {
                            break;
                        }
                        b = argument;
                    } else {
                        try {
                            b = in.next();
                        } catch (StdinLines.TooLongException e) {
                            err.println("p2p-node gossip publish: " + e.getMessage() + "; " + sent
                                    + " earlier message(s) sent, the rest of stdin not read");
                            err.flush();
                            return EXIT_FAILURE;
                        }
                        if (b == null) {
                            break;
                        }
                    }
                    BroadcastReceipt r = t.broadcast(b, policy);
                    tally.add(sent, r);
                    r.accepted().get(30, TimeUnit.SECONDS); // paced by the neighbors' send queues
                    sent++;
                    if (opts.json) {
                        out.println(json(JSON.createObjectNode().put("type", "sent").put("index", sent - 1).put("len", b.length)));
                        out.flush();
                    }
                }
                // Every receipt decides within its --ack-timeout; the margin covers the gossip thread's timer.
                tally.awaitAll(ackTimeout.plusSeconds(5));
                long delivered = tally.delivered();
                long undelivered = tally.undelivered();
                boolean acknowledged = undelivered == 0 && delivered == sent;
                // Leave: the Disconnect follows the messages on every stream.
                n.gossip.shutdownAsync().get(10, TimeUnit.SECONDS);
                if (opts.json) {
                    out.println(json(JSON.createObjectNode().put("type", "done").put("sent", sent)
                            .put("acknowledged", acknowledged).put("delivered", delivered)
                            .put("undelivered", undelivered)));
                    out.flush();
                }
                if (!acknowledged) {
                    err.println("p2p-node gossip publish: sent " + sent + " message(s), but " + undelivered
                            + " were not acknowledged (" + policy + "); first: " + tally.firstFailure());
                    err.flush();
                    return EXIT_FAILURE;
                }
                err.println("p2p-node: published " + sent + " message(s) to topic " + topic + ", each acknowledged ("
                        + policy + ")");
                err.flush();
                if (blob != null) {
                    serveUntilStopped(n, err);
                }
                return 0;
            }
        }

        /** Adds the file (served where it is) and returns the envelope that references it. */
        private byte[] blobEnvelope(GossipNode n, PrintWriter out, PrintWriter err) throws java.io.IOException {
            com.kafkaconnectiroh.p2p.blobs.Blobs.AddOutcome added = n.blobs.add(blob);
            com.kafkaconnectiroh.p2p.envelope.BlobRef ref = new com.kafkaconnectiroh.p2p.envelope.BlobRef(
                    added.content(), added.size(), List.of(n.endpoint.addr()));
            String ticket = n.blobs.ticket(added.content()).toString();
            if (opts.json) {
                out.println(json(JSON.createObjectNode().put("type", "blob").put("hash", added.hash().toHex())
                        .put("size", added.size()).put("ticket", ticket)));
                out.flush();
            }
            err.println("p2p-node: " + blob + " is blob " + added.hash() + " (" + added.size() + " bytes), ticket "
                    + ticket);
            err.flush();
            return com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec.encode(
                    com.kafkaconnectiroh.p2p.envelope.Envelope.of(new com.kafkaconnectiroh.p2p.envelope.Envelope.Blob(ref)));
        }

        /** Receivers fetch the blob after the message arrived: keep serving it until told to stop. */
        private void serveUntilStopped(GossipNode n, PrintWriter err) {
            try (StopSignal stop = new StopSignal()) {
                stop.watch(n.endpoint);
                err.println("p2p-node: serving " + blob + " until Ctrl-C or SIGTERM");
                err.flush();
                String why = stop.await();
                err.println("p2p-node: stopping (" + why + ")");
                err.flush();
            }
        }
    }
}
