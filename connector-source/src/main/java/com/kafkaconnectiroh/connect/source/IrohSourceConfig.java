package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.ConfigValidators;
import com.kafkaconnectiroh.connect.common.IrohConnectorConfig;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * The source connector's settings: the shared {@code iroh.*} node keys plus what to read (gossip topics), where to
 * write it (Kafka topic template), how to treat blob references, and the bounds of the task's buffer. Every key has
 * its documentation, default, validator and group here; {@code main} prints the reference.
 */
public class IrohSourceConfig extends IrohConnectorConfig {
    public static final String GOSSIP_GROUP = "Gossip";
    public static final String DOCS_GROUP = "Documents";
    public static final String BLOB_GROUP = "Blobs";
    public static final String DELIVERY_GROUP = "Delivery";

    public static final String GOSSIP_TOPICS = "gossip.topics";
    private static final String GOSSIP_TOPICS_DOC = "Gossip topics to subscribe to: 64-hex topic ids, or names, which "
            + "are hashed to an id with BLAKE3 exactly as the p2p-node CLI's --topic and iroh's TopicId::from_bytes"
            + "(blake3::hash(name)) do. A string of only hex digits that is not 64 long is refused rather than hashed. "
            + "Topics are spread over the tasks; no topic is subscribed twice. Empty when the connector reads only "
            + "documents (docs.tickets).";

    public static final String KAFKA_TOPIC = "kafka.topic";
    public static final String KAFKA_TOPIC_DEFAULT = "iroh.gossip.${topic}";
    private static final String KAFKA_TOPIC_DOC = "Kafka topic each gossip topic's records go to; ${topic} stands for the "
            + "64-hex gossip topic id. A template without ${topic} sends every gossip topic to one Kafka topic (the "
            + "iroh.gossip.topic header tells them apart).";

    public static final String DOCS_TICKETS = "docs.tickets";
    private static final String DOCS_TICKETS_DOC = "iroh documents to read (iroh-docs 0.35 doc tickets, doc…; a read "
            + "ticket is enough): every entry becomes a record (key = entry key, value = its content, deletions = "
            + "tombstones), and new entries follow as the document syncs with the ticket's nodes and iroh.peers. "
            + "Documents are spread over the tasks with the gossip topics. Unlike gossip, a document can be replayed: "
            + "offsets record the position, so nothing is lost across restarts, and with exactly-once source support "
            + "nothing is written twice.";

    public static final String DOCS_KAFKA_TOPIC = "docs.kafka.topic";
    public static final String DOCS_KAFKA_TOPIC_DEFAULT = "iroh.docs.${namespace}";
    private static final String DOCS_KAFKA_TOPIC_DOC = "Kafka topic each document's records go to; ${namespace} stands "
            + "for the 64-hex document (namespace) id.";

    public static final String RECORD_KEY = "record.key";
    private static final String RECORD_KEY_DOC = "The Kafka record key of a plain gossip message: 'message.id' (default) "
            + "is the gossip message id (BLAKE3 of the message, 32 bytes): records spread evenly over partitions, and a "
            + "message that comes again (gossip de-duplicates for about 90 s only) gets the same key, so compacted topics "
            + "and idempotent consumers see one. 'topic' is the 32-byte gossip topic id: one partition per gossip topic, "
            + "in receive order (gossip itself does not order messages of different senders). 'none': no key (the "
            + "producer's sticky partitioner). Envelopes (records bridged by our sink) always keep their own key.";

    public static final String BLOB_FETCH = "blob.fetch";
    private static final String BLOB_FETCH_DOC = "What to do with envelopes (docs/envelope.md) and the blobs they "
            + "reference. 'inline' (default): unpack envelopes (key, headers, value) and fetch a referenced blob peer to "
            + "peer, verified, into the record value, up to blob.inline.max.bytes. 'reference': unpack envelopes, but a "
            + "blob is not fetched: the value is its blob ticket (text) and the iroh.blob.* headers describe it. 'none': "
            + "no envelope is interpreted; every message's bytes are the value as they came.";

    public static final String BLOB_INLINE_MAX_BYTES = "blob.inline.max.bytes";
    private static final String BLOB_INLINE_MAX_BYTES_DOC = "Largest blob fetched into a record value. Larger blobs are "
            + "emitted as references (value: the blob ticket). Kafka refuses records above the producer's "
            + "max.request.size and the topic's max.message.bytes (about 1 MB by default): raise those (e.g. "
            + "producer.override.max.request.size in this connector's config) before raising this.";

    public static final String BLOB_FETCH_TIMEOUT_MS = "blob.fetch.timeout.ms";
    private static final String BLOB_FETCH_TIMEOUT_MS_DOC = "How long to keep trying to fetch one blob (every provider, "
            + "rounds with jittered backoff) before it counts as failed; a failed fetch follows errors.tolerance.";

    public static final String BLOB_FETCH_CONCURRENCY = "blob.fetch.concurrency";
    private static final String BLOB_FETCH_CONCURRENCY_DOC = "Blobs fetched at the same time per task.";

    /**
     * The framework's key (defined by Connect, not by us, so it is validated once), read from the connector's
     * settings: 'none' (default) fails the task on a message that cannot become its record (an envelope that does
     * not decode, a blob that cannot be fetched); 'all' still writes the record, never drops it: a bad envelope as
     * its raw bytes, an unfetched blob as its ticket, with the reason in the iroh.blob.error header.
     */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    public static final String BUFFER_MAX_BYTES = "buffer.max.bytes";
    private static final String BUFFER_MAX_BYTES_DOC = "Bound on the bytes of records received but not yet handed to "
            + "Kafka (values, keys and blobs being fetched). When Kafka is slower than the network the receive loop "
            + "stops taking messages; gossip then drops what arrives for this subscriber (counted in messages-dropped).";

    public static final String BUFFER_MAX_RECORDS = "buffer.max.records";
    private static final String BUFFER_MAX_RECORDS_DOC = "Bound on the number of records waiting for poll().";

    public static final String POLL_MAX_RECORDS = "poll.max.records";
    private static final String POLL_MAX_RECORDS_DOC = "Most records one poll() returns.";

    public static final String POLL_TIMEOUT_MS = "poll.timeout.ms";
    private static final String POLL_TIMEOUT_MS_DOC = "Longest time poll() waits for a first record; it returns as soon "
            + "as one is there (with whatever else is buffered), or nothing after this time, so the task stays "
            + "responsive to stop and commit.";

    public static final String DEDUP_CACHE_SIZE = "dedup.cache.size";
    private static final String DEDUP_CACHE_SIZE_DOC = "Gossip message ids remembered per task to drop repeats that gossip "
            + "delivers again after its own de-duplication window (about 90 s).";

    /** Values of {@value #BLOB_FETCH}. */
    public enum BlobFetch {
        NONE, REFERENCE, INLINE;

        static BlobFetch parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** Values of {@value #RECORD_KEY}. */
    public enum RecordKey {
        MESSAGE_ID("message.id"), TOPIC("topic"), NONE("none");

        private final String text;

        RecordKey(String text) {
            this.text = text;
        }

        static RecordKey parse(String s) {
            for (RecordKey k : values()) {
                if (k.text.equals(s.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException(s);
        }

        public String text() {
            return text;
        }
    }

    public static final ConfigDef CONFIG_DEF = defineSourceConfig(defineNodeConfig(new ConfigDef()));

    public IrohSourceConfig(Map<?, ?> props) {
        this(CONFIG_DEF, props);
    }

    protected IrohSourceConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
    }

    public static ConfigDef defineSourceConfig(ConfigDef def) {
        int g = 0;
        def.define(GOSSIP_TOPICS, Type.LIST, "", ConfigValidators.TOPIC_LIST, Importance.HIGH,
                        GOSSIP_TOPICS_DOC, GOSSIP_GROUP, ++g, Width.LONG, "Gossip topics")
                .define(KAFKA_TOPIC, Type.STRING, KAFKA_TOPIC_DEFAULT, new KafkaTopicTemplateValidator("${topic}"), Importance.HIGH,
                        KAFKA_TOPIC_DOC, GOSSIP_GROUP, ++g, Width.MEDIUM, "Kafka topic template")
                .define(RECORD_KEY, Type.STRING, RecordKey.MESSAGE_ID.text(),
                        ConfigDef.ValidString.in("message.id", "topic", "none"), Importance.LOW, RECORD_KEY_DOC,
                        GOSSIP_GROUP, ++g, Width.SHORT, "Record key")
                .define(DEDUP_CACHE_SIZE, Type.INT, 100_000, ConfigDef.Range.between(0, 10_000_000), Importance.LOW,
                        DEDUP_CACHE_SIZE_DOC, GOSSIP_GROUP, ++g, Width.SHORT, "De-duplication cache");
        int dg = 0;
        def.define(DOCS_TICKETS, Type.LIST, "", ConfigValidators.DOC_TICKET_LIST, Importance.HIGH, DOCS_TICKETS_DOC,
                        DOCS_GROUP, ++dg, Width.LONG, "Document tickets")
                .define(DOCS_KAFKA_TOPIC, Type.STRING, DOCS_KAFKA_TOPIC_DEFAULT,
                        new KafkaTopicTemplateValidator("${namespace}"), Importance.HIGH, DOCS_KAFKA_TOPIC_DOC,
                        DOCS_GROUP, ++dg, Width.MEDIUM, "Documents' Kafka topic template");
        int b = 0;
        def.define(BLOB_FETCH, Type.STRING, "inline", ConfigDef.CaseInsensitiveValidString.in("none", "reference", "inline"),
                        Importance.HIGH, BLOB_FETCH_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob fetch",
                        List.of(BLOB_INLINE_MAX_BYTES, BLOB_FETCH_TIMEOUT_MS, BLOB_FETCH_CONCURRENCY), new BlobFetchRecommender())
                .define(BLOB_INLINE_MAX_BYTES, Type.LONG, 1_000_000L, ConfigDef.Range.between(0L, (long) Integer.MAX_VALUE - 64),
                        Importance.MEDIUM, BLOB_INLINE_MAX_BYTES_DOC, BLOB_GROUP, ++b, Width.SHORT, "Inline blob limit",
                        List.of(), new BlobFetchRecommender())
                .define(BLOB_FETCH_TIMEOUT_MS, Type.LONG, 120_000L, ConfigDef.Range.between(1_000L, 86_400_000L),
                        Importance.LOW, BLOB_FETCH_TIMEOUT_MS_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob fetch timeout",
                        List.of(), new BlobFetchRecommender())
                .define(BLOB_FETCH_CONCURRENCY, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.LOW,
                        BLOB_FETCH_CONCURRENCY_DOC, BLOB_GROUP, ++b, Width.SHORT, "Blob fetch concurrency",
                        List.of(), new BlobFetchRecommender());
        int d = 0;
        def.define(BUFFER_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, ConfigDef.Range.between(64L * 1024, 1L << 40),
                        Importance.LOW, BUFFER_MAX_BYTES_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Buffer bytes")
                .define(BUFFER_MAX_RECORDS, Type.INT, 100_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                        BUFFER_MAX_RECORDS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Buffer records")
                .define(POLL_MAX_RECORDS, Type.INT, 10_000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                        POLL_MAX_RECORDS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Records per poll")
                .define(POLL_TIMEOUT_MS, Type.LONG, 500L, ConfigDef.Range.between(1L, 60_000L), Importance.LOW,
                        POLL_TIMEOUT_MS_DOC, DELIVERY_GROUP, ++d, Width.SHORT, "Poll timeout");
        return def;
    }

    /** The configured topics, parsed, in order, without repeats. */
    public List<TopicId> gossipTopics() {
        List<TopicId> out = new ArrayList<>();
        for (String t : getList(GOSSIP_TOPICS)) {
            TopicId id = TopicId.parseOrName(t);
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    public String kafkaTopic(TopicId topic) {
        return getString(KAFKA_TOPIC).replace("${topic}", topic.toString());
    }

    /** The configured document tickets, parsed, without repeats of a namespace. */
    public List<DocTicket> docTickets() {
        List<DocTicket> out = new ArrayList<>();
        java.util.Set<NamespaceId> seen = new java.util.HashSet<>();
        for (String t : getList(DOCS_TICKETS)) {
            DocTicket ticket = DocTicket.parse(t.trim());
            if (seen.add(ticket.namespace())) {
                out.add(ticket);
            }
        }
        return out;
    }

    public String docsKafkaTopic(NamespaceId namespace) {
        return getString(DOCS_KAFKA_TOPIC).replace("${namespace}", namespace.toString());
    }

    public RecordKey recordKey() {
        return RecordKey.parse(getString(RECORD_KEY));
    }

    public BlobFetch blobFetch() {
        return BlobFetch.parse(getString(BLOB_FETCH));
    }

    public long blobInlineMaxBytes() {
        return getLong(BLOB_INLINE_MAX_BYTES);
    }

    public Duration blobFetchTimeout() {
        return Duration.ofMillis(getLong(BLOB_FETCH_TIMEOUT_MS));
    }

    public int blobFetchConcurrency() {
        return getInt(BLOB_FETCH_CONCURRENCY);
    }

    /** errors.tolerance=all. */
    public boolean tolerateErrors() {
        Object v = originals().get(ERRORS_TOLERANCE);
        return v != null && "all".equalsIgnoreCase(v.toString().trim());
    }

    public long bufferMaxBytes() {
        return getLong(BUFFER_MAX_BYTES);
    }

    public int bufferMaxRecords() {
        return getInt(BUFFER_MAX_RECORDS);
    }

    public int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS);
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_TIMEOUT_MS));
    }

    public int dedupCacheSize() {
        return getInt(DEDUP_CACHE_SIZE);
    }

    /**
     * A Kafka topic name once ${topic} is replaced by 64 hex characters: Kafka allows [a-zA-Z0-9._-], at most 249
     * characters.
     */
    static final class KafkaTopicTemplateValidator implements ConfigDef.Validator {
        private final String placeholder;

        KafkaTopicTemplateValidator(String placeholder) {
            this.placeholder = placeholder;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "a Kafka topic template is required");
            }
            String sample = value.toString().replace(placeholder, "0".repeat(64));
            if (sample.isEmpty() || sample.length() > 249 || !sample.matches("[a-zA-Z0-9._-]+")
                    || sample.equals(".") || sample.equals("..")) {
                throw new ConfigException(name, value, "expected a Kafka topic name (letters, digits, '.', '_', '-'; at "
                        + "most 249 characters once " + placeholder + " is replaced by a 64-hex id)"
                        + (value.toString().contains("${") && !value.toString().contains(placeholder)
                        ? "; the only placeholder is " + placeholder : ""));
            }
        }

        @Override
        public String toString() {
            return "a Kafka topic name, " + placeholder + " = a 64-hex id";
        }
    }

    /** The blob keys matter only when blobs are fetched. */
    static final class BlobFetchRecommender implements ConfigDef.Recommender {
        @Override
        public List<Object> validValues(String name, Map<String, Object> parsed) {
            if (BLOB_FETCH.equals(name)) {
                return List.of("inline", "reference", "none");
            }
            return List.of();
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsed) {
            if (BLOB_FETCH.equals(name)) {
                return true;
            }
            Object fetch = parsed.get(BLOB_FETCH);
            boolean inline = fetch == null || "inline".equalsIgnoreCase(fetch.toString().trim());
            return inline;
        }
    }

    /** Prints the configuration reference (reStructuredText, as Kafka's own docs). */
    public static void main(String[] args) {
        System.out.println(CONFIG_DEF.toEnrichedRst());
    }
}
