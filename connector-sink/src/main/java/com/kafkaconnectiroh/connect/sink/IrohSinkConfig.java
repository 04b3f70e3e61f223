package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.ConfigValidators;
import com.kafkaconnectiroh.connect.common.IrohConnectorConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The sink connector's settings: the shared {@code iroh.*} node keys plus where records go (gossip topic template),
 * in which form (raw or envelope), when a value travels as a blob and how long blobs are kept, and what counts as
 * delivered. {@code topics} / {@code topics.regex} are the framework's.
 */
public class IrohSinkConfig extends IrohConnectorConfig {
    public static final String MODE_GROUP = "Mode";
    public static final String DOC_GROUP = "Document";
    public static final String GOSSIP_GROUP = "Gossip";
    public static final String BLOB_GROUP = "Blobs";
    public static final String DELIVERY_GROUP = "Delivery";

    public static final String SINK_MODE = "sink.mode";
    private static final String SINK_MODE_DOC = "'gossip' (default): each record is broadcast on a gossip topic. 'doc': "
            + "each record is written into an iroh document (key = entry key, value = content, a tombstone deletes); "
            + "the Kafka offsets are stored in the document's metadata in the same commit, so a restart rewrites "
            + "nothing it had written.";

    public static final String DOC_TICKET = "doc.ticket";
    private static final String DOC_TICKET_DOC = "sink.mode=doc: the document to write into, a doc ticket with write "
            + "capability (it holds the document's secret: a PASSWORD, kept out of logs). Empty: the task creates a new "
            + "document on first start and keeps writing into it (its id is kept in <iroh.data.dir>/connectors/<name>/"
            + "sink-doc; the worker log prints its read ticket); only with tasks.max=1.";

    public static final String DOC_AUTHOR_KEY = "doc.author.key";
    private static final String DOC_AUTHOR_KEY_DOC = "sink.mode=doc: the author that signs the entries, 64 hex (an "
            + "iroh-docs author secret, as 'iroh authors export' prints it). Empty: the node's default author, kept in "
            + "its store.";

    public static final String GOSSIP_TOPIC = "gossip.topic";
    public static final String GOSSIP_TOPIC_DEFAULT = "${topic}";
    private static final String GOSSIP_TOPIC_DOC = "The gossip topic each record is broadcast on: a 64-hex topic id or a "
            + "name (hashed with BLAKE3, as the CLI's --topic). ${topic} stands for the record's Kafka topic, so the "
            + "default maps each Kafka topic to the gossip topic named after it (Kafka topic 'orders' → "
            + "blake3(\"orders\")).";

    public static final String GOSSIP_FORMAT = "gossip.format";
    private static final String GOSSIP_FORMAT_DOC = "'raw' (default): the message is the record value's bytes, what "
            + "plain iroh apps read (key and headers are not sent). 'envelope': the documented envelope (docs/envelope.md) "
            + "with key, headers, origin topic/partition/offset and the value; our source connector turns it back into "
            + "the same record. A value that travels as a blob is always an envelope (a reference needs one).";

    public static final String BLOB_THRESHOLD_BYTES = "blob.threshold.bytes";
    private static final String BLOB_THRESHOLD_BYTES_DOC = "Values larger than this are added to the node's blob store "
            + "and the message carries a reference that peers fetch from this node, verified. Values whose message "
            + "would exceed the gossip limit (4096 bytes, as iroh) travel as blobs whatever this says. -1: never use "
            + "blobs for values that fit a message (larger ones go to the errant record reporter).";

    public static final String BLOB_RETENTION_MS = "blob.retention.ms";
    private static final String BLOB_RETENTION_MS_DOC = "How long a blob stays in the store after the last record that "
            + "referenced it was broadcast; then it is untagged and the store's garbage collection frees it. Receivers "
            + "must fetch within this time.";

    public static final String BLOB_STORE_MAX_BYTES = "blob.store.max.bytes";
    private static final String BLOB_STORE_MAX_BYTES_DOC = "Upper bound on the bytes of blobs this task keeps; beyond it "
            + "the oldest are released early (counted in blobs-evicted).";

    public static final String DELIVERY_MIN_NEIGHBORS = "delivery.min.neighbors";
    private static final String DELIVERY_MIN_NEIGHBORS_DOC = "A record counts as delivered, and its offset may be "
            + "committed, once its message was acknowledged (at the QUIC level: the neighbor's node received it) by at "
            + "least this many gossip neighbors. 0: once it was handed to the gossip protocol.";

    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    private static final String DELIVERY_TIMEOUT_MS_DOC = "How long one broadcast may wait for its acknowledgements "
            + "before it is broadcast again (with jittered backoff); offsets do not advance past it meanwhile.";

    public static final String MAX_IN_FLIGHT_RECORDS = "delivery.max.in.flight.records";
    private static final String MAX_IN_FLIGHT_RECORDS_DOC = "Records broadcast but not yet delivered; beyond it the task "
            + "pauses its partitions (the framework stops fetching) until deliveries catch up.";

    public static final String MAX_IN_FLIGHT_BYTES = "delivery.max.in.flight.bytes";
    private static final String MAX_IN_FLIGHT_BYTES_DOC = "Bytes of messages broadcast but not yet delivered; beyond it "
            + "the task pauses its partitions.";

    public static final String LOOP_GUARD = "gossip.loop.guard";
    private static final String LOOP_GUARD_DOC = "Skip a record whose iroh.gossip.topic header (written by our source) "
            + "names the gossip topic it would go to: when a source and a sink bridge the same topics both ways, a "
            + "message is not sent back where it came from. Skipped records count as delivered.";

    /** Values of {@value #GOSSIP_FORMAT}. */
    public enum Format {
        RAW, ENVELOPE
    }

    public static final ConfigDef CONFIG_DEF = defineSinkConfig(defineNodeConfig(new ConfigDef()));

    public IrohSinkConfig(Map<?, ?> props) {
        this(CONFIG_DEF, props);
    }

    protected IrohSinkConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
    }

    public static ConfigDef defineSinkConfig(ConfigDef def) {
        def.define(SINK_MODE, Type.STRING, "gossip", ConfigDef.CaseInsensitiveValidString.in("gossip", "doc"),
                Importance.HIGH, SINK_MODE_DOC, MODE_GROUP, 1, Width.SHORT, "Sink mode");
        def.define(DOC_TICKET, Type.PASSWORD, null, ConfigValidators.OPTIONAL_DOC_TICKET_PASSWORD, Importance.HIGH,
                        DOC_TICKET_DOC, DOC_GROUP, 1, Width.LONG, "Document ticket")
                .define(DOC_AUTHOR_KEY, Type.PASSWORD, null, ConfigValidators.SECRET_KEY, Importance.MEDIUM,
                        DOC_AUTHOR_KEY_DOC, DOC_GROUP, 2, Width.LONG, "Author key");
        int g = 0;
        def.define(GOSSIP_TOPIC, Type.STRING, GOSSIP_TOPIC_DEFAULT, new GossipTopicTemplateValidator(), Importance.HIGH,
                        GOSSIP_TOPIC_DOC, GOSSIP_GROUP, ++g, Width.MEDIUM, "Gossip topic")
                .define(GOSSIP_FORMAT, Type.STRING, "raw", ConfigDef.CaseInsensitiveValidString.in("raw", "envelope"),
                        Importance.HIGH, GOSSIP_FORMAT_DOC, GOSSIP_GROUP, ++g, Width.SHORT, "Message format")
                .define(LOOP_GUARD, Type.BOOLEAN, true, Importance.LOW, LOOP_GUARD_DOC, GOSSIP_GROUP, ++g, Width.SHORT,
                        "Loop guard");
        int b = 0;
        def.define(BLOB_THRESHOLD_BYTES, Type.LONG, 4000L, ConfigDef.Range.between(-1L, (long) Integer.MAX_VALUE),
                        Importance.MEDIUM, BLOB_THRESHOLD_BYTES_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob threshold")
                .define(BLOB_RETENTION_MS, Type.LONG, Duration.ofHours(24).toMillis(),
                        ConfigDef.Range.between(1_000L, Duration.ofDays(3650).toMillis()), Importance.MEDIUM,
                        BLOB_RETENTION_MS_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob retention")
                .define(BLOB_STORE_MAX_BYTES, Type.LONG, 10L << 30, ConfigDef.Range.atLeast(1L << 20), Importance.LOW,
                        BLOB_STORE_MAX_BYTES_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob store bound");
        int d = 0;
        def.define(DELIVERY_MIN_NEIGHBORS, Type.INT, 1, ConfigDef.Range.between(0, 64), Importance.HIGH,
                        DELIVERY_MIN_NEIGHBORS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Min acknowledging neighbors")
                .define(DELIVERY_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.between(100L, 3_600_000L),
                        Importance.MEDIUM, DELIVERY_TIMEOUT_MS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Delivery timeout")
                .define(MAX_IN_FLIGHT_RECORDS, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                        MAX_IN_FLIGHT_RECORDS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "In-flight records")
                .define(MAX_IN_FLIGHT_BYTES, Type.LONG, 64L << 20, ConfigDef.Range.between(1L << 16, 1L << 40),
                        Importance.LOW, MAX_IN_FLIGHT_BYTES_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "In-flight bytes");
        return def;
    }

    public boolean docMode() {
        return "doc".equalsIgnoreCase(getString(SINK_MODE).trim());
    }

    /** The configured write ticket, if any. */
    public java.util.Optional<com.kafkaconnectiroh.p2p.docs.proto.DocTicket> docTicket() {
        org.apache.kafka.common.config.types.Password p = getPassword(DOC_TICKET);
        return p == null || p.value().isBlank() ? java.util.Optional.empty()
                : java.util.Optional.of(com.kafkaconnectiroh.p2p.docs.proto.DocTicket.parse(p.value().trim()));
    }

    public java.util.Optional<com.kafkaconnectiroh.p2p.docs.proto.Author> docAuthor() {
        org.apache.kafka.common.config.types.Password p = getPassword(DOC_AUTHOR_KEY);
        return p == null ? java.util.Optional.empty()
                : java.util.Optional.of(com.kafkaconnectiroh.p2p.docs.proto.Author.parse(p.value().trim()));
    }

    /** The gossip topic for a record of Kafka topic {@code kafkaTopic}. */
    public TopicId gossipTopic(String kafkaTopic) {
        return TopicId.parseOrName(getString(GOSSIP_TOPIC).replace("${topic}", kafkaTopic));
    }

    public Format format() {
        return Format.valueOf(getString(GOSSIP_FORMAT).trim().toUpperCase(Locale.ROOT));
    }

    /** Negative: only values that do not fit a message use blobs. */
    public long blobThreshold() {
        return getLong(BLOB_THRESHOLD_BYTES);
    }

    public Duration blobRetention() {
        return Duration.ofMillis(getLong(BLOB_RETENTION_MS));
    }

    public long blobStoreMaxBytes() {
        return getLong(BLOB_STORE_MAX_BYTES);
    }

    public int minNeighbors() {
        return getInt(DELIVERY_MIN_NEIGHBORS);
    }

    public Duration deliveryTimeout() {
        return Duration.ofMillis(getLong(DELIVERY_TIMEOUT_MS));
    }

    public int maxInFlightRecords() {
        return getInt(MAX_IN_FLIGHT_RECORDS);
    }

    public long maxInFlightBytes() {
        return getLong(MAX_IN_FLIGHT_BYTES);
    }

    public boolean loopGuard() {
        return getBoolean(LOOP_GUARD);
    }

    /** A topic id or a name once ${topic} is replaced (by any Kafka topic name). */
    static final class GossipTopicTemplateValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(name, value, "a gossip topic (64-hex id or name) or a template with ${topic} "
                        + "is required");
            }
            String v = value.toString();
            if (!v.contains("${topic}")) {
                try {
                    TopicId.parseOrName(v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }
        }

        @Override
        public String toString() {
            return "a 64-hex topic id or a name; ${topic} = the record's Kafka topic";
        }
    }

    /** Prints the configuration reference (reStructuredText, as Kafka's own docs). */
    public static void main(String[] args) {
        System.out.println(CONFIG_DEF.toEnrichedRst());
    }

}
