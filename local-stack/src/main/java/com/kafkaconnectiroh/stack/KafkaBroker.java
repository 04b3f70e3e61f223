package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A single-node Kafka in KRaft combined mode (broker and controller in one JVM), as {@code kafka-storage.sh format}
 * and {@code kafka-server-start.sh} would run it, with replication factor 1 for the internal topics.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final ChildJvm jvm;

    private KafkaBroker(Path dir, int port, ChildJvm jvm) {
        this.dir = dir;
        this.port = port;
        this.jvm = jvm;
    }

    /**
     * Formats {@code dir}'s log directory (if new) and starts the broker; returns once it serves clients.
     *
     * @param extra more broker properties (e.g. {@code message.max.bytes})
     */
    public static KafkaBroker start(Path libs, Path dir, int port, Map<String, String> extra, List<String> jvmOptions,
                                    Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int controllerPort = Ports.free();
        Path props = dir.resolve("server.properties");
        StringBuilder sb = new StringBuilder();
        sb.append("process.roles=broker,controller\n")
                .append("node.id=1\n")
                .append("controller.quorum.voters=1@127.0.0.1:").append(controllerPort).append('\n')
                .append("listeners=PLAINTEXT://127.0.0.1:").append(port).append(",CONTROLLER://127.0.0.1:")
                .append(controllerPort).append('\n')
                .append("advertised.listeners=PLAINTEXT://127.0.0.1:").append(port).append('\n')
                .append("controller.listener.names=CONTROLLER\n")
                .append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n")
                .append("inter.broker.listener.name=PLAINTEXT\n")
                .append("log.dirs=").append(dir.resolve("data").toAbsolutePath()).append('\n')
                .append("num.partitions=1\n")
                .append("offsets.topic.replication.factor=1\n")
                .append("transaction.state.log.replication.factor=1\n")
                .append("transaction.state.log.min.isr=1\n")
                .append("share.coordinator.state.topic.replication.factor=1\n")
                .append("share.coordinator.state.topic.min.isr=1\n")
                .append("group.initial.rebalance.delay.ms=0\n")
                .append("auto.create.topics.enable=true\n");
        extra.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(props, sb.toString());
        Path log4j = Log4j.write(dir.resolve("log4j2.properties"));
        List<String> opts = new ArrayList<>(List.of("-Xms128m", "-Xmx768m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath()));
        opts.addAll(jvmOptions);
        Path log = dir.resolve("broker.log");
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            ChildJvm format = ChildJvm.start("kafka-storage", libs, "kafka.tools.StorageTool", opts,
                    List.of("format", "--config", props.toAbsolutePath().toString(), "--cluster-id", clusterId()),
                    Map.of(), dir.resolve("format.log"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (format.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (format.isAlive()) {
                format.kill();
                throw new IOException("formatting the Kafka log directory did not finish: " + format.tail(20));
            }
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                throw new IOException("formatting the Kafka log directory failed:\n" + format.tail(20));
            }
        }
        ChildJvm jvm = ChildJvm.start("kafka", libs, "kafka.Kafka", opts, List.of(props.toAbsolutePath().toString()),
                Map.of(), log);
        KafkaBroker broker = new KafkaBroker(dir, port, jvm);
        broker.awaitReady(timeout);
        return broker;
    }

    /**
     * A cluster id as {@code kafka-storage.sh random-uuid} prints it: 16 random bytes, URL-safe base64, never
     * starting with '-' (the storage tool would read it as an option; Kafka's own Uuid.randomUuid avoids it too).
     */
    static String clusterId() {
        SecureRandom rnd = new SecureRandom();
        while (true) {
            byte[] b = new byte[16];
            rnd.nextBytes(b);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            if (id.charAt(0) != '-') {
                return id;
            }
        }
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new IOException("Kafka exited while starting; log " + jvm.log() + ":\n" + jvm.tail(30));
            }
            if (Ports.accepts("127.0.0.1", port) && Files.readString(jvm.log()).contains("Kafka Server started")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("Kafka did not start within " + timeout.toSeconds() + " s; log " + jvm.log() + ":\n"
                + jvm.tail(30));
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return dir;
    }

    public ChildJvm process() {
        return jvm;
    }

    @Override
    public void close() {
        jvm.stop(30);
    }
}
