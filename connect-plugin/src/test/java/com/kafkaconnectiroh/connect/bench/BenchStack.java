package com.kafkaconnectiroh.connect.bench;

import com.kafkaconnectiroh.stack.ConnectWorker;
import com.kafkaconnectiroh.stack.KafkaBroker;
import com.kafkaconnectiroh.stack.PluginInstaller;
import com.kafkaconnectiroh.stack.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmarks' Kafka: a broker and one stock worker (child JVMs on the distribution's jars, the plugin from the
 * zip), as the integration tests run them. {@code -Dworker.vector=true} starts the worker with
 * {@code --add-modules jdk.incubator.vector} (what KAFKA_OPTS would add); {@code -Dworker.jvm.opts} adds more.
 */
final class BenchStack implements AutoCloseable {
    final Path root;
    final KafkaBroker broker;
    final ConnectWorker worker;
    final boolean vector;

    BenchStack(String name) throws Exception {
        root = Files.createTempDirectory(name);
        Path libs = Path.of(System.getProperty("kafka.libs", "kafka-dist/target/kafka/libs"));
        Path zip = Path.of(System.getProperty("plugin.zip", "connect-plugin/target/kafka-connect-iroh-0.1.0-SNAPSHOT.zip"));
        PluginInstaller.install(zip, root.resolve("plugins"));
        broker = KafkaBroker.start(libs, root.resolve("broker"), Ports.free(),
                Map.of("message.max.bytes", Integer.toString(8 << 20)), List.of(), Duration.ofSeconds(90));
        int rest = Ports.free();
        Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), "bench", rest, root.resolve("plugins"));
        props.put("consumer.max.partition.fetch.bytes", Integer.toString(8 << 20));
        vector = Boolean.getBoolean("worker.vector");
        List<String> jvm = new ArrayList<>(vector ? List.of("--add-modules", "jdk.incubator.vector") : List.of());
        String extra = System.getProperty("worker.jvm.opts", "");
        if (!extra.isBlank()) {
            jvm.addAll(List.of(extra.trim().split("\\s+")));
        }
        worker = ConnectWorker.start("worker", libs, root.resolve("worker"), props, jvm,
                List.of("IrohSourceConnector", "IrohSinkConnector"), Duration.ofSeconds(120));
        System.out.printf("machine: %d cpus, load %s; worker JVM %s the Vector API%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), vector ? "with" : "without");
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    @Override
    public void close() {
        worker.close();
        broker.close();
    }
}
