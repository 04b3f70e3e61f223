package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.NodeConfigChecks;
import com.kafkaconnectiroh.connect.common.Version;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns iroh gossip topics into Kafka records. The connector only checks settings and splits the topics over
 * tasks; each {@link IrohSourceTask} runs an embedded iroh node that subscribes to its share.
 */
public final class IrohSourceConnector extends SourceConnector {
    private static final Logger LOG = LoggerFactory.getLogger(IrohSourceConnector.class);

    private Map<String, String> props;
    private IrohSourceConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = new IrohSourceConfig(props);
        LOG.info("iroh source {} starting: {} gossip topic(s) into {}", config.connectorName(),
                config.gossipTopics().size(), config.getString(IrohSourceConfig.KAFKA_TOPIC));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return IrohSourceTask.class;
    }

    /**
     * Round-robin over the units of work, gossip topics first, then documents: unit i goes to task i mod n, with
     * n = min(maxTasks, units), so no task is idle and nothing is read twice. Example: topics [a, b, c] and
     * documents [x, y] with tasks.max=3 give task 0 [a, y], task 1 [b], task 2 [c, x]. Each task config is the
     * connector's (as given, so config-provider placeholders such as ${file:…} for iroh.secret.key stay
     * placeholders) plus the task's index and share.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<TopicId> topics = config.gossipTopics();
        List<String> tickets = config.getList(IrohSourceConfig.DOCS_TICKETS).stream().map(String::trim)
                .filter(t -> !t.isEmpty()).distinct().toList();
        int units = topics.size() + tickets.size();
        int n = Math.max(1, Math.min(maxTasks, units));
        List<List<String>> topicShares = new ArrayList<>();
        List<List<String>> docShares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            topicShares.add(new ArrayList<>());
            docShares.add(new ArrayList<>());
        }
        for (int i = 0; i < topics.size(); i++) {
            topicShares.get(i % n).add(topics.get(i).toString());
        }
        for (int i = 0; i < tickets.size(); i++) {
            docShares.get((topics.size() + i) % n).add(tickets.get(i));
        }
        List<Map<String, String>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(IrohSourceTaskConfig.TASK_INDEX, Integer.toString(i));
            task.put(IrohSourceTaskConfig.TASK_GOSSIP_TOPICS, String.join(",", topicShares.get(i)));
            task.put(IrohSourceTaskConfig.TASK_DOCS_TICKETS, String.join(",", docShares.get(i)));
            out.add(task);
        }
        return out;
    }

    @Override
    public void stop() {
        LOG.info("iroh source {} stopped", config == null ? "" : config.connectorName());
    }

    @Override
    public ConfigDef config() {
        return IrohSourceConfig.CONFIG_DEF;
    }

    /** Field checks of the ConfigDef, plus the ones that need several fields. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        Map<String, ConfigValue> values = NodeConfigChecks.check(result);
        checkTopicsListedOnce(values.get(IrohSourceConfig.GOSSIP_TOPICS));
        checkSomethingToRead(values.get(IrohSourceConfig.GOSSIP_TOPICS), values.get(IrohSourceConfig.DOCS_TICKETS));
        return result;
    }

    private static void checkTopicsListedOnce(ConfigValue topics) {
        if (topics == null || !topics.errorMessages().isEmpty() || !(topics.value() instanceof List<?> list)) {
            return;
        }
        Map<TopicId, String> seen = new HashMap<>();
        for (Object o : list) {
            TopicId id = TopicId.parseOrName(o.toString());
            String before = seen.putIfAbsent(id, o.toString());
            if (before != null) {
                topics.addErrorMessage("'" + o + "' and '" + before + "' are the same gossip topic " + id
                        + "; list each topic once");
            }
        }
    }

    private static void checkSomethingToRead(ConfigValue topics, ConfigValue docs) {
        if (topics == null || docs == null || !topics.errorMessages().isEmpty() || !docs.errorMessages().isEmpty()) {
            return;
        }
        boolean none = (topics.value() == null || ((List<?>) topics.value()).isEmpty())
                && (docs.value() == null || ((List<?>) docs.value()).isEmpty());
        if (none) {
            topics.addErrorMessage("nothing to read: give gossip topics (gossip.topics) or documents (docs.tickets)");
        }
    }

    /**
     * Documents can be replayed from their offsets, so with the framework's transactions (one per poll batch) each
     * entry reaches Kafka exactly once; gossip cannot be replayed, so a connector that reads gossip topics cannot
     * promise it.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        String topics = connectorConfig.getOrDefault(IrohSourceConfig.GOSSIP_TOPICS, "");
        String docs = connectorConfig.getOrDefault(IrohSourceConfig.DOCS_TICKETS, "");
        return topics.isBlank() && !docs.isBlank() ? ExactlyOnceSupport.SUPPORTED : ExactlyOnceSupport.UNSUPPORTED;
    }

    /**
     * The offsets REST API (KIP-875): a document's partition is {@code {"namespace": <64 hex>}}, its offset
     * {@code {"seq": n, "store": <id>, "heads": <author:timestamp,…>}} (see {@link DocsOffset}); gossip records
     * carry none. Null resets a document to its beginning.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            DocsOffset.checkPartition(e.getKey());
            if (e.getValue() != null) {
                DocsOffset.parse(e.getValue());
            }
        }
        return true;
    }
}
