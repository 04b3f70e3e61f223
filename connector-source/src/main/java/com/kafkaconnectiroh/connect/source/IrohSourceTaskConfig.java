package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** A task's settings: the connector's, plus its index and the topics assigned to it. */
public final class IrohSourceTaskConfig extends IrohSourceConfig {
    public static final String TASK_INDEX = "task.index";
    public static final String TASK_GOSSIP_TOPICS = "task.gossip.topics";
    public static final String TASK_DOCS_TICKETS = "task.docs.tickets";

    static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .define(TASK_INDEX, Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(0), Importance.HIGH,
                    "This task's index (0 .. tasks - 1): selects its identity.")
            .define(TASK_GOSSIP_TOPICS, Type.LIST, "", Importance.HIGH,
                    "The gossip topic ids (64 hex) this task subscribes to.")
            .define(TASK_DOCS_TICKETS, Type.LIST, "", Importance.HIGH,
                    "The document tickets this task reads (as given in docs.tickets, so placeholders stay).");

    public IrohSourceTaskConfig(Map<?, ?> props) {
        super(TASK_CONFIG_DEF, props);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
    }

    public List<TopicId> assignedTopics() {
        List<TopicId> out = new ArrayList<>();
        for (String t : getList(TASK_GOSSIP_TOPICS)) {
            if (!t.isBlank()) {
                out.add(TopicId.parse(t.trim()));
            }
        }
        return out;
    }

    public List<com.kafkaconnectiroh.p2p.docs.proto.DocTicket> assignedDocs() {
        List<com.kafkaconnectiroh.p2p.docs.proto.DocTicket> out = new ArrayList<>();
        for (String t : getList(TASK_DOCS_TICKETS)) {
            if (!t.isBlank()) {
                out.add(com.kafkaconnectiroh.p2p.docs.proto.DocTicket.parse(t.trim()));
            }
        }
        return out;
    }
}
