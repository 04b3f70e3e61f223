package com.kafkaconnectiroh.connect.sink;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** A sink task's settings: the connector's plus its index (which selects its identity). */
public final class IrohSinkTaskConfig extends IrohSinkConfig {
    public static final String TASK_INDEX = "task.index";

    static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .define(TASK_INDEX, Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(0), Importance.HIGH,
                    "This task's index (0 .. tasks - 1): selects its identity.");

    public IrohSinkTaskConfig(Map<?, ?> props) {
        super(TASK_CONFIG_DEF, props);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX);
    }
}
