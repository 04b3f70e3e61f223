package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded nodes of this worker JVM, one per endpoint id, shared by reference count: a source and a sink task
 * that run the same identity (bridging both ways as one iroh peer) use one node, one socket and one blob store.
 * The last {@link Lease#close()} closes the node, so connector restarts, pauses and rebalances leave no threads,
 * ports or file locks behind.
 *
 * <p>Both connectors are in one plugin directory, so the worker loads this class once for both (one plugin class
 * loader per directory); tasks of different plugins never share nodes.
 */
public final class TaskNodes {
    private static final Logger LOG = LoggerFactory.getLogger(TaskNodes.class);
    /** How long to wait for a blob store another process still holds (a task moving between workers on one host). */
    static final Duration STORE_LOCK_WAIT = Duration.ofSeconds(30);
    /** How long a task start waits for its home relay, so the ticket it logs carries the relay URL. */
    static final Duration HOME_RELAY_WAIT = Duration.ofSeconds(10);

    private static final Map<EndpointId, Shared> NODES = new HashMap<>();
    private static final java.util.concurrent.ConcurrentHashMap<EndpointId, Object> START_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private TaskNodes() {
    }

    /** Settings a task applies when it is the first to start a node (later tasks share it as it is). */
    public interface NodeSettings {
        void apply(Node.Builder builder);
    }

    /**
     * The node for {@code identity}, started if no task in this JVM runs it yet.
     *
     * @throws IOException the node cannot start (port in use, data dir not writable, store locked too long)
     * @throws IllegalStateException another task runs the same id with another bind address, data dir or allowed
     *                               peers: one id can be only one node
     */
    public static Lease acquire(TaskIdentity identity, NodeSettings settings) throws IOException, InterruptedException {
        // One start at a time per identity (two tasks of one identity starting together must not both open its
        // store); other identities start in parallel.
        Object startLock = START_LOCKS.computeIfAbsent(identity.id(), k -> new Object());
        synchronized (startLock) {
            synchronized (NODES) {
                Shared s = NODES.get(identity.id());
                if (s != null && !s.node.isClosed()) {
                    s.checkCompatible(identity);
                    s.refs++;
                    LOG.info("sharing iroh node {} ({} task(s) now)", s.node, s.refs);
                    return new Lease(s);
                }
            }
            Node node = spawn(identity, settings);
            synchronized (NODES) {
                Shared fresh = new Shared(identity, node);
                NODES.put(identity.id(), fresh);
                LOG.info("started iroh node {} (data in {})", node, identity.nodeDir());
                return new Lease(fresh);
            }
        }
    }

    /**
     * Resolves task {@code index}'s identity from the connector's settings ({@link TaskIdentity#resolve}) and
     * acquires its node, logging what peers need to reach it.
     *
     * @param role "source" or "sink", for the log line
     */
    public static Lease acquireForTask(IrohConnectorConfig config, int index, String role)
            throws IOException, InterruptedException {
        TaskIdentity identity = TaskIdentity.resolve(config, index);
        Lease lease = acquire(identity, b -> { });
        Node node = lease.node();
        if (identity.relay().hasHomeRelay() && !node.endpoint().online(HOME_RELAY_WAIT)) {
            // The task runs on (direct peers work, the relay client keeps reconnecting); its ticket lacks the relay
            // until the home relay answers, so say why peers behind NATs cannot reach it yet.
            LOG.warn("iroh {} task {} of {}: no home relay connected within {} s ({}); peers that cannot reach it "
                    + "directly will reach it once one is", role, index, config.connectorName(),
                    HOME_RELAY_WAIT.toSeconds(), node.endpoint().relays());
        }
        LOG.info("iroh {} task {} of {} runs endpoint {} on {} (ticket {})", role, index, config.connectorName(),
                node.id(), node.endpoint().boundAddress(), node.ticket());
        return lease;
    }

    /** Endpoint ids with a running node in this JVM (for tests and diagnostics). */
    public static Set<EndpointId> running() {
        synchronized (NODES) {
            return Set.copyOf(NODES.keySet());
        }
    }

    private static Node spawn(TaskIdentity identity, NodeSettings settings) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STORE_LOCK_WAIT.toNanos();
        while (true) {
            Node.Builder b = Node.builder()
                    .secretKey(identity.key())
                    .dataDir(identity.nodeDir())
                    .bindAddr(identity.bind());
            Set<EndpointId> allowed = identity.allowedPeers();
            if (!allowed.isEmpty()) {
                b.endpoint(e -> e.peerFilter(allowed::contains));
            }
            identity.relay().applyTo(b);
            identity.discovery().applyTo(b);
            settings.apply(b);
            try {
                return b.spawn();
            } catch (IOException e) {
                String msg = String.valueOf(e.getMessage());
                if (!msg.contains("in use by another process") || System.nanoTime() > deadline) {
                    throw new IOException("cannot start the iroh node " + identity.id().fmtShort() + " on "
                            + identity.bind() + " with data in " + identity.nodeDir() + ": " + msg, e);
                }
                LOG.info("blob store {} is still held by another process (a previous run of this task?); retrying",
                        identity.nodeDir());
                Thread.sleep(1000);
            }
        }
    }

    private static final class Shared {
        final TaskIdentity identity;
        final Node node;
        int refs = 1;

        Shared(TaskIdentity identity, Node node) {
            this.identity = identity;
            this.node = node;
        }

        void checkCompatible(TaskIdentity other) {
            String clash = null;
            if (!identity.bind().equals(other.bind())) {
                clash = "bind address " + identity.bind() + " (this task asks for " + other.bind() + ")";
            } else if (!identity.nodeDir().equals(other.nodeDir())) {
                clash = "data directory " + identity.nodeDir() + " (this task asks for " + other.nodeDir() + ")";
            } else if (!identity.allowedPeers().equals(other.allowedPeers())) {
                clash = "another iroh.allowed.peers list";
            } else if (!identity.relay().equals(other.relay())) {
                clash = identity.relay() + " (this task asks for " + other.relay() + ")";
            } else if (!identity.discovery().equals(other.discovery())) {
                clash = identity.discovery() + " (this task asks for " + other.discovery() + ")";
            }
            if (clash != null) {
                throw new IllegalStateException("endpoint " + identity.id() + " already runs in this worker with "
                        + clash + "; tasks that share an identity must share iroh.bind, iroh.data.dir, "
                        + "iroh.allowed.peers, iroh.relay.urls, iroh.relay.mode and the iroh.discovery settings");
            }
        }
    }

    /** A task's use of a shared node; close it exactly once when the task stops. */
    public static final class Lease implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Lease(Shared shared) {
            this.shared = shared;
        }

        public Node node() {
            return shared.node;
        }

        @Override
        public void close() {
            Node toClose = null;
            synchronized (NODES) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.refs == 0) {
                    NODES.remove(shared.identity.id(), shared);
                    toClose = shared.node;
                }
            }
            if (toClose != null) {
                LOG.info("closing iroh node {} (its last task stopped)", toClose);
                toClose.close();
            }
        }
    }
}
