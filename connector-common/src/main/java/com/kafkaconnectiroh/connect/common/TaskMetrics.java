package com.kafkaconnectiroh.connect.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's gauges. On workers with KIP-877 (Kafka 4.1+) they go through the task context's {@code pluginMetrics()},
 * so the worker reports them (JMX and any configured reporter) tagged with connector and task; on older workers,
 * where that method does not exist, through a registry of our own with a JMX reporter, under the JMX domain
 * {@value #FALLBACK_JMX_PREFIX}, group {@code <group>}, tags connector and task.
 */
public final class TaskMetrics implements AutoCloseable {
    public static final String FALLBACK_JMX_PREFIX = "kafka.connect.iroh";
    private static final Logger LOG = LoggerFactory.getLogger(TaskMetrics.class);

    private final String group;
    private final LinkedHashMap<String, String> tags;
    private final Registry registry;
    private final List<MetricName> added = new ArrayList<>();

    /**
     * @param pluginMetrics a supplier calling {@code context.pluginMetrics()}; it may throw the linkage errors of an
     *                      older worker, which select the fallback
     */
    public TaskMetrics(Supplier<Object> pluginMetrics, String group, String connector, int task) {
        this.group = group;
        this.tags = new LinkedHashMap<>();
        tags.put("connector", connector);
        tags.put("task", Integer.toString(task));
        this.registry = chooseRegistry(pluginMetrics);
    }

    /** Adds a gauge read on demand by the reporters. */
    public synchronized void gauge(String name, String description, Supplier<? extends Number> value) {
        MetricName mn = registry.name(name, group, description, tags);
        registry.add(mn, (Gauge<Number>) (config, now) -> value.get());
        added.add(mn);
    }

    /** Which registry took the metrics: {@code plugin-metrics} or {@code own-jmx}. */
    public String registryKind() {
        return registry.kind();
    }

    @Override
    public synchronized void close() {
        for (MetricName mn : added) {
            try {
                registry.remove(mn);
            } catch (RuntimeException e) {
                LOG.debug("removing metric {} failed", mn, e);
            }
        }
        added.clear();
        registry.close();
    }

    private static Registry chooseRegistry(Supplier<Object> pluginMetrics) {
        try {
            Object pm = pluginMetrics.get();
            if (pm != null) {
                return PluginRegistry.of(pm);
            }
        } catch (LinkageError | UnsupportedOperationException e) {
            LOG.info("this worker has no plugin metrics (KIP-877); reporting task metrics over JMX under {}",
                    FALLBACK_JMX_PREFIX);
        }
        return new OwnRegistry();
    }

    private interface Registry {
        MetricName name(String name, String group, String description, LinkedHashMap<String, String> tags);

        void add(MetricName name, Gauge<Number> gauge);

        void remove(MetricName name);

        String kind();

        void close();
    }

    /** Kept in its own class so that older workers never load {@code PluginMetrics}. */
    private static final class PluginRegistry implements Registry {
        private final org.apache.kafka.common.metrics.PluginMetrics pm;

        private PluginRegistry(org.apache.kafka.common.metrics.PluginMetrics pm) {
            this.pm = pm;
        }

        static Registry of(Object pm) {
            return new PluginRegistry((org.apache.kafka.common.metrics.PluginMetrics) pm);
        }

        @Override
        public MetricName name(String name, String group, String description, LinkedHashMap<String, String> tags) {
            // The worker adds connector and task tags itself; ours would repeat them.
            return pm.metricName(name, description, new LinkedHashMap<>());
        }

        @Override
        public void add(MetricName name, Gauge<Number> gauge) {
            pm.addMetric(name, gauge);
        }

        @Override
        public void remove(MetricName name) {
            pm.removeMetric(name);
        }

        @Override
        public String kind() {
            return "plugin-metrics";
        }

        @Override
        public void close() {
            // the worker owns the registry
        }
    }

    private static final class OwnRegistry implements Registry {
        private final Metrics metrics = new Metrics(new MetricConfig(), List.of(new JmxReporter()), Time.SYSTEM,
                new KafkaMetricsContext(FALLBACK_JMX_PREFIX));

        @Override
        public MetricName name(String name, String group, String description, LinkedHashMap<String, String> tags) {
            return metrics.metricName(name, group, description, (Map<String, String>) tags);
        }

        @Override
        public void add(MetricName name, Gauge<Number> gauge) {
            metrics.addMetric(name, gauge);
        }

        @Override
        public void remove(MetricName name) {
            metrics.removeMetric(name);
        }

        @Override
        public String kind() {
            return "own-jmx";
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
