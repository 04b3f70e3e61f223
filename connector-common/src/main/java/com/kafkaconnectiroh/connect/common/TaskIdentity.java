package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SecretKeyStore;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

/**
 * Who a task is in the iroh network and where its node lives: the rule of docs/connectors.md, "Identity".
 *
 * <ul>
 * <li>The connector's key is {@code iroh.secret.key}, or else a key kept in
 *     {@code <iroh.data.dir>/connectors/<connector name>/secret_key} (created on first use).</li>
 * <li>Task 0 runs with that key and binds {@code iroh.bind} exactly: with {@code tasks.max=1} peers dial a known
 *     id and port.</li>
 * <li>Task i &gt; 0 runs with BLAKE3 derive_key({@value #TASK_KEY_CONTEXT}, key ‖ i as u32 LE) and binds port
 *     {@code PORT + i} (any free port when PORT is 0): ids never repeat, on any worker, and are stable per task.</li>
 * <li>Its node keeps its blobs in {@code <iroh.data.dir>/nodes/<endpoint id>}, so tasks of one identity (a source
 *     and a sink bridging both ways as one peer) share one directory as they share one node.</li>
 * </ul>
 */
public record TaskIdentity(SecretKey key, InetSocketAddress bind, Path nodeDir, Set<EndpointId> allowedPeers,
                           RelaySettings relay, DiscoverySettings discovery) {
    /** The BLAKE3 derive_key context: globally unique and fixed forever, as BLAKE3's documentation asks. */
    public static final String TASK_KEY_CONTEXT = "kafka-connect-iroh 2026-12-06 per-task endpoint key v1";

    public TaskIdentity {
        allowedPeers = Set.copyOf(allowedPeers);
        java.util.Objects.requireNonNull(relay, "relay");
        java.util.Objects.requireNonNull(discovery, "discovery");
    }

    /** An identity without relay settings ({@link RelaySettings#NONE}) or discovery ({@link DiscoverySettings#NONE}). */
    public TaskIdentity(SecretKey key, InetSocketAddress bind, Path nodeDir, Set<EndpointId> allowedPeers) {
        this(key, bind, nodeDir, allowedPeers, RelaySettings.NONE, DiscoverySettings.NONE);
    }

    public EndpointId id() {
        return key.publicKey();
    }

    /**
     * Resolves task {@code taskIndex}'s identity from the connector's settings.
     *
     * @throws IOException the connector key file cannot be read or created
     */
    public static TaskIdentity resolve(IrohConnectorConfig config, int taskIndex) throws IOException {
        if (taskIndex < 0) {
            throw new IllegalArgumentException("task index must not be negative, got " + taskIndex);
        }
        Path dataDir = config.dataDir();
        SecretKey base = config.secretKey().orElse(null);
        if (base == null) {
            base = SecretKeyStore.loadOrCreate(dataDir.resolve("connectors").resolve(pathSafe(config.connectorName())));
        }
        SecretKey key = taskIndex == 0 ? base : deriveTaskKey(base, taskIndex);
        InetSocketAddress bind = taskBind(config.bindAddress(), taskIndex);
        Path nodeDir = dataDir.resolve("nodes").resolve(key.publicKey().toString());
        return new TaskIdentity(key, bind, nodeDir, config.allowedPeers(), config.relaySettings(),
                config.discoverySettings());
    }

    /** Task {@code index}'s key for connector key {@code base} (index &gt; 0). */
    public static SecretKey deriveTaskKey(SecretKey base, int index) {
        Blake3 h = Blake3.newDeriveKeyHasher(TASK_KEY_CONTEXT);
        h.update(base.toBytes());
        h.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(index).array());
        return SecretKey.fromBytes(h.digest());
    }

    static InetSocketAddress taskBind(InetSocketAddress configured, int index) {
        if (index == 0 || configured.getPort() == 0) {
            return configured;
        }
        int port = configured.getPort() + index;
        if (port > 65535) {
            throw new IllegalArgumentException("task " + index + " would bind port " + port + " (iroh.bind port "
                    + configured.getPort() + " + task index); choose a lower port or port 0");
        }
        return new InetSocketAddress(configured.getAddress(), port);
    }

    /**
     * A connector name as one directory name: names are free text in Connect, so anything but letters, digits,
     * '.', '_' and '-' becomes '_', and a short hash of the exact name keeps "a/b" and "a_b" apart.
     */
    public static String pathSafe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.equals(name) && !name.startsWith(".") && !name.isEmpty()) {
            return name;
        }
        Blake3 h = Blake3.newHasher();
        h.update(name.getBytes(StandardCharsets.UTF_8));
        String tag = com.kafkaconnectiroh.p2p.base.Hex.encode(h.digest()).substring(0, 8);
        return (safe.startsWith(".") ? "_" + safe.substring(1) : safe) + "-" + tag;
    }
}
