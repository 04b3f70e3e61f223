package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * The {@code iroh.*} settings both connectors share: the embedded node's identity, storage, socket and peers. Each
 * connector chains its own keys onto {@link #defineNodeConfig(ConfigDef)} (as Kafka's MirrorMaker configs do), so
 * the names, defaults and documentation of these keys exist once.
 */
public abstract class IrohConnectorConfig extends AbstractConfig {
    public static final String NODE_GROUP = "Iroh node";

    public static final String SECRET_KEY = "iroh.secret.key";
    private static final String SECRET_KEY_DOC = "The node's Ed25519 secret key, 64 hex characters (what 'p2p-node id "
            + "--secret' takes and iroh prints). Task 0 runs with exactly this key, so peers can dial a known endpoint "
            + "id; task i > 0 runs with a key derived from it and i (BLAKE3 derive_key), so no two tasks share an id, "
            + "wherever they run. Unset: the connector's key is created once in <iroh.data.dir>/connectors/<connector "
            + "name>/secret_key on the worker that first runs it. Keep it out of Kafka's config topic with a config "
            + "provider, e.g. ${file:/etc/kafka/iroh.properties:secret}: the connector copies the value as given, so "
            + "the placeholder, not the key, reaches the task configs. Never logged.";

    public static final String DATA_DIR = "iroh.data.dir";
    private static final String DATA_DIR_DOC = "Where the embedded node keeps its state on the worker: keys of "
            + "connectors without iroh.secret.key (connectors/<name>/secret_key) and each node's blob store "
            + "(nodes/<endpoint id>/blobs: fetched and served blobs, crash-safe). Empty: ${user.home}/.kafka-connect-iroh "
            + "of the worker's user. Must be writable; tasks of one identity in one worker share one node and so one "
            + "directory.";

    public static final String BIND = "iroh.bind";
    private static final String BIND_DOC = "UDP address the node listens on, IP:PORT (IPv6 as [addr]:port). Task 0 "
            + "binds exactly this; task i > 0 binds the same IP with port PORT + i (or any free port when PORT is 0), "
            + "so a firewall can open a known range.";
    public static final String BIND_DEFAULT = "0.0.0.0:0";

    public static final String PEERS = "iroh.peers";
    private static final String PEERS_DOC = "Peers to dial at start and to redial after an outage: iroh 1.x endpoint "
            + "tickets (endpoint…), iroh 0.35 node tickets (node…), <id>@<ip:port>[,<ip:port>…] or endpoint ids (a bare "
            + "id is reachable only once an address for it is known, e.g. when it dials us). Gossip topics are joined "
            + "through them.";

    public static final String ALLOWED_PEERS = "iroh.allowed.peers";
    private static final String ALLOWED_PEERS_DOC = "Endpoint ids (64 hex) allowed to connect to this node and to be "
            + "dialed by it; connections of any other peer are closed right after the handshake authenticated it. "
            + "Empty: anyone. Every id in iroh.peers must be in this list when it is set.";

    public static final String RECONNECT_BACKOFF_INITIAL_MS = "iroh.reconnect.backoff.initial.ms";
    private static final String RECONNECT_BACKOFF_INITIAL_MS_DOC = "First wait before redialing iroh.peers after the "
            + "node lost its last neighbor; doubles per failed round up to iroh.reconnect.backoff.max.ms, with +-20 % "
            + "jitter so restarted peers are not all dialed at once.";
    public static final String RECONNECT_BACKOFF_MAX_MS = "iroh.reconnect.backoff.max.ms";
    private static final String RECONNECT_BACKOFF_MAX_MS_DOC = "Longest wait between redial rounds.";

    public static final String RELAY_URLS = "iroh.relay.urls";
    private static final String RELAY_URLS_DOC = "iroh relay servers (iroh 1.x protocol, e.g. 'p2p-node relay' or a "
            + "self-hosted iroh-relay) the node may use as its home relay: it keeps a connection to the fastest, its "
            + "ticket carries that URL, and peers that cannot reach it directly reach it through the relay. Empty: "
            + "no home relay (peers' relay URLs are still dialed when their direct addresses fail, unless "
            + "iroh.relay.mode is disabled).";
    public static final String RELAY_MODE = "iroh.relay.mode";
    private static final String RELAY_MODE_DOC = "How the node uses relays: 'default' (direct paths first, relays "
            + "beside them), 'relay-only' (no direct addresses advertised or dialed: every connection goes through a "
            + "relay) or 'disabled' (no relay is contacted; relay URLs in tickets are ignored).";
    public static final String RELAY_MODE_DEFAULT = "default";

    public static final String DISCOVERY = "iroh.discovery";
    private static final String DISCOVERY_DOC = "How the node finds peers by endpoint id alone and tells others where it "
            + "is (docs/discovery.md): a list of 'mdns' (local network, iroh's swarm discovery: no server), 'pkarr' "
            + "(publish its signed record to a pkarr relay and resolve from it), 'dns' (resolve TXT "
            + "_iroh.<z32 id>.<origin>), 'dht' (BitTorrent mainline DHT, BEP 44 records as iroh's), or 'none'. A "
            + "server setting below turns its mechanism on too. Dials whose addresses do not answer (a bare id in "
            + "iroh.peers has none) ask every mechanism on. Default: mdns, the one that needs no outside service.";
    public static final String DISCOVERY_DEFAULT = "mdns";
    public static final String DISCOVERY_PKARR_RELAY = "iroh.discovery.pkarr.relay";
    private static final String DISCOVERY_PKARR_RELAY_DOC = "pkarr relays to publish to and resolve from, e.g. "
            + "http://disco.example:8080/pkarr ('p2p-node dns-server', iroh-dns-server). Setting one turns pkarr on; "
            + "with pkarr on and none set: iroh's, https://dns.iroh.link/pkarr.";
    public static final String DISCOVERY_DNS_ORIGIN = "iroh.discovery.dns.origin";
    private static final String DISCOVERY_DNS_ORIGIN_DOC = "Domain under which DNS discovery looks peers up "
            + "(TXT _iroh.<z32 id>.<origin>). Setting it turns DNS on; with DNS on and none set: iroh's, dns.iroh.link.";
    public static final String DISCOVERY_DNS_RESOLVER = "iroh.discovery.dns.resolver";
    private static final String DISCOVERY_DNS_RESOLVER_DOC = "Nameservers DNS discovery asks, IP:PORT. Setting one "
            + "turns DNS on; none set: those of the worker's /etc/resolv.conf.";
    public static final String DISCOVERY_DHT_BOOTSTRAP = "iroh.discovery.dht.bootstrap";
    private static final String DISCOVERY_DHT_BOOTSTRAP_DOC = "Mainline DHT nodes to bootstrap from, IP:PORT. Setting "
            + "one turns the DHT on; with dht on and none set: the public bootstrap nodes iroh's DHT uses (internet).";

    public static final String OUTAGE_TIMEOUT_MS = "iroh.outage.timeout.ms";
    private static final String OUTAGE_TIMEOUT_MS_DOC = "How long the task may be without any neighbor on a topic that "
            + "has bootstrap peers (iroh.peers) before it fails with an error naming the peers it could not reach; the "
            + "failure shows in the Connect status API. 0: never fail, keep redialing.";

    protected IrohConnectorConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
    }

    /** Adds the {@code iroh.*} node keys to {@code def} and returns it. */
    public static ConfigDef defineNodeConfig(ConfigDef def) {
        int order = 0;
        return def
                .define(SECRET_KEY, Type.PASSWORD, null, ConfigValidators.SECRET_KEY, Importance.HIGH, SECRET_KEY_DOC,
                        NODE_GROUP, ++order, Width.LONG, "Secret key")
                .define(DATA_DIR, Type.STRING, "", Importance.MEDIUM, DATA_DIR_DOC,
                        NODE_GROUP, ++order, Width.LONG, "Data directory")
                .define(BIND, Type.STRING, BIND_DEFAULT, ConfigValidators.SOCKET_ADDRESS, Importance.MEDIUM, BIND_DOC,
                        NODE_GROUP, ++order, Width.MEDIUM, "Bind address")
                .define(PEERS, Type.LIST, "", ConfigValidators.PEER_LIST, Importance.HIGH, PEERS_DOC,
                        NODE_GROUP, ++order, Width.LONG, "Peers")
                .define(ALLOWED_PEERS, Type.LIST, "", ConfigValidators.ENDPOINT_ID_LIST, Importance.MEDIUM,
                        ALLOWED_PEERS_DOC, NODE_GROUP, ++order, Width.LONG, "Allowed peers")
                .define(RECONNECT_BACKOFF_INITIAL_MS, Type.LONG, 1_000L, ConfigDef.Range.between(10L, 3_600_000L),
                        Importance.LOW, RECONNECT_BACKOFF_INITIAL_MS_DOC, NODE_GROUP, ++order, Width.SHORT,
                        "Reconnect backoff (initial)")
                .define(RECONNECT_BACKOFF_MAX_MS, Type.LONG, 60_000L, ConfigDef.Range.between(10L, 3_600_000L),
                        Importance.LOW, RECONNECT_BACKOFF_MAX_MS_DOC, NODE_GROUP, ++order, Width.SHORT,
                        "Reconnect backoff (max)")
                .define(OUTAGE_TIMEOUT_MS, Type.LONG, 1_800_000L, ConfigDef.Range.atLeast(0L), Importance.MEDIUM,
                        OUTAGE_TIMEOUT_MS_DOC, NODE_GROUP, ++order, Width.SHORT, "Outage timeout")
                .define(RELAY_URLS, Type.LIST, "", ConfigValidators.RELAY_URL_LIST, Importance.MEDIUM, RELAY_URLS_DOC,
                        NODE_GROUP, ++order, Width.LONG, "Relay URLs")
                .define(RELAY_MODE, Type.STRING, RELAY_MODE_DEFAULT,
                        ConfigDef.ValidString.in("default", "relay-only", "disabled"),
                        Importance.MEDIUM, RELAY_MODE_DOC, NODE_GROUP, ++order, Width.SHORT, "Relay mode")
                .define(DISCOVERY, Type.LIST, DISCOVERY_DEFAULT, ConfigValidators.DISCOVERY_LIST, Importance.MEDIUM,
                        DISCOVERY_DOC, NODE_GROUP, ++order, Width.MEDIUM, "Discovery")
                .define(DISCOVERY_PKARR_RELAY, Type.LIST, "", ConfigValidators.PKARR_RELAY_LIST, Importance.LOW,
                        DISCOVERY_PKARR_RELAY_DOC, NODE_GROUP, ++order, Width.LONG, "pkarr relays")
                .define(DISCOVERY_DNS_ORIGIN, Type.STRING, "", ConfigValidators.OPTIONAL_DNS_NAME, Importance.LOW,
                        DISCOVERY_DNS_ORIGIN_DOC, NODE_GROUP, ++order, Width.MEDIUM, "DNS discovery origin")
                .define(DISCOVERY_DNS_RESOLVER, Type.LIST, "", ConfigValidators.SOCKET_ADDRESS_LIST, Importance.LOW,
                        DISCOVERY_DNS_RESOLVER_DOC, NODE_GROUP, ++order, Width.LONG, "DNS discovery nameservers")
                .define(DISCOVERY_DHT_BOOTSTRAP, Type.LIST, "", ConfigValidators.SOCKET_ADDRESS_LIST, Importance.LOW,
                        DISCOVERY_DHT_BOOTSTRAP_DOC, NODE_GROUP, ++order, Width.LONG, "DHT bootstrap nodes");
    }

    /** The configured key, if any. */
    public Optional<SecretKey> secretKey() {
        Password p = getPassword(SECRET_KEY);
        return p == null ? Optional.empty() : Optional.of(SecretKey.fromBytes(Hex.decode(p.value().trim())));
    }

    /** {@code iroh.data.dir}, or the documented default. */
    public Path dataDir() {
        String dir = getString(DATA_DIR).trim();
        return dir.isEmpty() ? Path.of(System.getProperty("user.home"), ".kafka-connect-iroh") : Path.of(dir);
    }

    public InetSocketAddress bindAddress() {
        return SocketAddrs.parse(getString(BIND).trim());
    }

    public List<EndpointAddr> peers() {
        List<EndpointAddr> out = new ArrayList<>();
        for (String p : getList(PEERS)) {
            out.add(EndpointAddrs.parse(p));
        }
        return out;
    }

    /** Empty: anyone. */
    public Set<EndpointId> allowedPeers() {
        Set<EndpointId> out = new LinkedHashSet<>();
        for (String p : getList(ALLOWED_PEERS)) {
            out.add(EndpointId.parse(p.trim()));
        }
        return out;
    }

    public Backoff reconnectBackoff() {
        return new Backoff(Duration.ofMillis(getLong(RECONNECT_BACKOFF_INITIAL_MS)),
                Duration.ofMillis(Math.max(getLong(RECONNECT_BACKOFF_INITIAL_MS), getLong(RECONNECT_BACKOFF_MAX_MS))));
    }

    /** {@code iroh.relay.urls} and {@code iroh.relay.mode}. */
    public RelaySettings relaySettings() {
        List<RelayUrl> urls = new ArrayList<>();
        for (String u : getList(RELAY_URLS)) {
            urls.add(RelayUrl.parse(u.trim()));
        }
        RelayMode mode = switch (getString(RELAY_MODE)) {
            case "relay-only" -> RelayMode.RELAY_ONLY;
            case "disabled" -> RelayMode.DISABLED;
            default -> RelayMode.DEFAULT;
        };
        return new RelaySettings(urls, mode);
    }

    /**
     * {@code iroh.discovery} and its server settings.
     *
     * @throws org.apache.kafka.common.config.ConfigException {@code none} combined with another name or a server
     */
    public DiscoverySettings discoverySettings() {
        try {
            return DiscoverySettings.parse(getList(DISCOVERY), getList(DISCOVERY_PKARR_RELAY),
                    getString(DISCOVERY_DNS_ORIGIN), getList(DISCOVERY_DNS_RESOLVER), getList(DISCOVERY_DHT_BOOTSTRAP));
        } catch (IllegalArgumentException e) {
            throw new org.apache.kafka.common.config.ConfigException(DISCOVERY, getList(DISCOVERY), e.getMessage());
        }
    }

    /** Zero: never. */
    public Duration outageTimeout() {
        return Duration.ofMillis(getLong(OUTAGE_TIMEOUT_MS));
    }

    /** The connector's name (the framework's {@code name} key), for logs and the default key location. */
    public String connectorName() {
        Object name = originals().get("name");
        return name == null ? "unnamed" : name.toString();
    }
}
