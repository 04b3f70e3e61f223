package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.NodeConfigChecks;
import com.kafkaconnectiroh.connect.common.Version;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Kafka records into iroh gossip broadcasts. The framework spreads the topics' partitions over the tasks;
 * each {@link IrohSinkTask} runs an embedded node with its own identity.
 */
public final class IrohSinkConnector extends SinkConnector {
    private static final Logger LOG = LoggerFactory.getLogger(IrohSinkConnector.class);

    private Map<String, String> props;
    private IrohSinkConfig config;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = new IrohSinkConfig(props);
        LOG.info("iroh sink {} starting: records to gossip topic {} as {}", config.connectorName(),
                config.getString(IrohSinkConfig.GOSSIP_TOPIC), config.format());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return IrohSinkTask.class;
    }

    /** maxTasks tasks, each the connector's config (placeholders kept) plus its index. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> t = new HashMap<>(props);
            t.put(IrohSinkTaskConfig.TASK_INDEX, Integer.toString(i));
            out.add(t);
        }
        return out;
    }

    @Override
    public void stop() {
        LOG.info("iroh sink {} stopped", config == null ? "" : config.connectorName());
    }

    @Override
    public ConfigDef config() {
        return IrohSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        java.util.Map<String, org.apache.kafka.common.config.ConfigValue> values = NodeConfigChecks.check(result);
        org.apache.kafka.common.config.ConfigValue ticket = values.get(IrohSinkConfig.DOC_TICKET);
        String mode = connectorConfigs.getOrDefault(IrohSinkConfig.SINK_MODE, "gossip").trim();
        String tasks = connectorConfigs.getOrDefault("tasks.max", "1").trim();
        boolean noTicket = connectorConfigs.getOrDefault(IrohSinkConfig.DOC_TICKET, "").isBlank();
        if (ticket != null && "doc".equalsIgnoreCase(mode) && noTicket && !"1".equals(tasks)) {
            ticket.addErrorMessage("without doc.ticket each task would create a document of its own: give a write "
                    + "ticket (every task then writes into that document) or tasks.max=1");
        }
        return result;
    }
}
