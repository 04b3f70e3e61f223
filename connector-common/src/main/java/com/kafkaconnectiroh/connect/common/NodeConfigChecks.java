package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigValue;

/**
 * The checks of the {@code iroh.*} keys that need more than one field or the worker's file system; each connector's
 * {@code validate()} runs them after the ConfigDef's own, so {@code PUT /connector-plugins/…/config/validate}
 * answers with field-level messages.
 */
public final class NodeConfigChecks {
    private NodeConfigChecks() {
    }

    /**
     * A connector's {@code validate()}: the ConfigDef's field checks (in {@code result}) plus these; returns the
     * values by name for the connector's own cross-field checks.
     */
    public static Map<String, ConfigValue> check(org.apache.kafka.common.config.Config result) {
        Map<String, ConfigValue> values = new java.util.HashMap<>();
        for (ConfigValue v : result.configValues()) {
            values.put(v.name(), v);
        }
        check(values);
        return values;
    }

    public static void check(Map<String, ConfigValue> values) {
        checkPeersAllowed(values.get(IrohConnectorConfig.PEERS), values.get(IrohConnectorConfig.ALLOWED_PEERS));
        checkDataDir(values.get(IrohConnectorConfig.DATA_DIR));
        checkBindPort(values.get(IrohConnectorConfig.BIND));
        checkDiscovery(values);
    }

    /** {@code iroh.discovery=none} with a server of a mechanism: which of the two is meant cannot be guessed. */
    private static void checkDiscovery(Map<String, ConfigValue> values) {
        ConfigValue names = values.get(IrohConnectorConfig.DISCOVERY);
        ConfigValue relays = values.get(IrohConnectorConfig.DISCOVERY_PKARR_RELAY);
        ConfigValue origin = values.get(IrohConnectorConfig.DISCOVERY_DNS_ORIGIN);
        ConfigValue resolvers = values.get(IrohConnectorConfig.DISCOVERY_DNS_RESOLVER);
        ConfigValue bootstrap = values.get(IrohConnectorConfig.DISCOVERY_DHT_BOOTSTRAP);
        if (java.util.stream.Stream.of(names, relays, origin, resolvers, bootstrap).anyMatch(v -> v == null || !valid(v))) {
            return;
        }
        try {
            DiscoverySettings.parse(strings(names.value()), strings(relays.value()),
                    origin.value() == null ? null : origin.value().toString(), strings(resolvers.value()),
                    strings(bootstrap.value()));
        } catch (IllegalArgumentException e) {
            names.addErrorMessage(e.getMessage());
        }
    }

    private static List<String> strings(Object list) {
        return list == null ? List.of() : ((List<?>) list).stream().map(Object::toString).toList();
    }

    /** With an allowlist, a configured peer outside it could never be dialed: say so now, not at run time. */
    private static void checkPeersAllowed(ConfigValue peers, ConfigValue allowed) {
        if (peers == null || allowed == null || !valid(peers) || !valid(allowed)) {
            return;
        }
        List<?> allowList = (List<?>) allowed.value();
        if (allowList == null || allowList.isEmpty()) {
            return;
        }
        Set<EndpointId> ids = new HashSet<>();
        for (Object o : allowList) {
            ids.add(EndpointId.parse(o.toString().trim()));
        }
        for (Object o : (List<?>) peers.value()) {
            EndpointId id = EndpointAddrs.parse(o.toString()).id();
            if (!ids.contains(id)) {
                peers.addErrorMessage("peer " + id + " is not in " + IrohConnectorConfig.ALLOWED_PEERS
                        + ": it could never be dialed");
            }
        }
    }

    /**
     * The worker that validates is usually one that will run tasks: a data dir it cannot create or write would fail
     * every task later.
     */
    private static void checkDataDir(ConfigValue dataDir) {
        if (dataDir == null || !valid(dataDir)) {
            return;
        }
        String text = dataDir.value() == null ? "" : dataDir.value().toString().trim();
        Path dir = text.isEmpty() ? Path.of(System.getProperty("user.home"), ".kafka-connect-iroh") : Path.of(text);
        if (!dir.isAbsolute()) {
            dataDir.addErrorMessage("expected an absolute path (a relative one would depend on the worker's working "
                    + "directory), got '" + text + "'");
            return;
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            dataDir.addErrorMessage(dir + " cannot be created: " + existing + " is not a directory");
        } else if (!Files.isWritable(existing)) {
            dataDir.addErrorMessage(dir + " is not writable by the worker's user (" + System.getProperty("user.name")
                    + "): " + existing + " is read-only for it");
        } else if (Files.exists(dir) && !Files.isDirectory(dir)) {
            dataDir.addErrorMessage(dir + " exists and is not a directory");
        }
    }

    /** Task i binds port + i: a port near the top would leave later tasks no port. */
    private static void checkBindPort(ConfigValue bind) {
        if (bind == null || !valid(bind) || bind.value() == null) {
            return;
        }
        int port = SocketAddrs.parse(bind.value().toString().trim()).getPort();
        if (port > 65535 - 64) {
            bind.addErrorMessage("port " + port + " leaves no room for task i's port " + port + " + i; choose a port "
                    + "below 65472 or 0");
        }
    }

    private static boolean valid(ConfigValue v) {
        return v.errorMessages().isEmpty();
    }

    /** For callers that want to know whether a directory is usable without a ConfigValue (task start). */
    static void ensureWritableDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException(dir + " is not writable");
        }
    }
}
