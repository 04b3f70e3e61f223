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
     * Round-robin: topic i goes to task i mod n, with n = min(maxTasks, topics), so no task is idle and no topic is
     * subscribed twice. Example: topics [a, b, c, d, e] and tasks.max=3 give task 0 [a, d], task 1 [b, e],
     * task 2 [c]. Each task config is the connector's (as given, so config-provider placeholders such as
     * ${file:…} for iroh.secret.key stay placeholders) plus the task's index and topics.
     */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<TopicId> topics = config.gossipTopics();
        int n = Math.max(1, Math.min(maxTasks, topics.size()));
        List<List<String>> shares = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < topics.size(); i++) {
            shares.get(i % n).add(topics.get(i).toString());
        }
        List<Map<String, String>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(IrohSourceTaskConfig.TASK_INDEX, Integer.toString(i));
            task.put(IrohSourceTaskConfig.TASK_GOSSIP_TOPICS, String.join(",", shares.get(i)));
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
        Map<String, ConfigValue> values = new HashMap<>();
        for (ConfigValue v : result.configValues()) {
            values.put(v.name(), v);
        }
        NodeConfigChecks.check(values);
        checkTopicsListedOnce(values.get(IrohSourceConfig.GOSSIP_TOPICS));
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
        if (list.isEmpty()) {
            topics.addErrorMessage("at least one gossip topic is needed");
        }
    }

    /** Gossip cannot be replayed, so there is nothing a transaction could make exactly-once. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.UNSUPPORTED;
    }
}
