package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stock Kafka Connect worker in distributed mode ({@code connect-distributed.sh}): Kafka's
 * {@code org.apache.kafka.connect.cli.ConnectDistributed} on the distribution's jars, plugins only from
 * {@code plugin.path}.
 */
public final class ConnectWorker implements AutoCloseable {
    public static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed";

    private final String name;
    private final Path dir;
    private final int restPort;
    private final ChildJvm jvm;
    private final ConnectRest rest;

    private ConnectWorker(String name, Path dir, int restPort, ChildJvm jvm) {
        this.name = name;
        this.dir = dir;
        this.restPort = restPort;
        this.jvm = jvm;
        this.rest = new ConnectRest("http://127.0.0.1:" + restPort);
    }

    /** The worker properties a stack uses, before {@code overrides}. */
    public static Map<String, String> defaults(String bootstrap, String groupId, int restPort, Path pluginPath) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", groupId);
        p.put("config.storage.topic", groupId + "-configs");
        p.put("offset.storage.topic", groupId + "-offsets");
        p.put("status.storage.topic", groupId + "-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        p.put("listeners", "http://127.0.0.1:" + restPort);
        p.put("rest.advertised.host.name", "127.0.0.1");
        p.put("rest.advertised.port", Integer.toString(restPort));
        p.put("plugin.path", pluginPath.toAbsolutePath().toString());
        p.put("plugin.discovery", "service_load");
        p.put("offset.flush.interval.ms", "2000");
        return p;
    }

    /**
     * Starts a worker and waits until its REST API answers and lists {@code expectPlugins}.
     *
     * @param jvmOptions e.g. heap; {@code --add-modules jdk.incubator.vector} only if the caller wants it (a stock
     *                   worker runs without)
     */
    public static ConnectWorker start(String name, Path libs, Path dir, Map<String, String> props, List<String> jvmOptions,
                                      List<String> expectPlugins, Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int restPort = Integer.parseInt(props.get("rest.advertised.port"));
        Path file = dir.resolve("connect-distributed.properties");
        StringBuilder sb = new StringBuilder();
        props.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, sb.toString());
        Path log4j = Log4j.write(dir.resolve("log4j2.properties"));
        List<String> opts = new ArrayList<>(List.of("-Xms128m", "-Xmx1g", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + log4j.toAbsolutePath()));
        opts.addAll(jvmOptions);
        ChildJvm jvm = ChildJvm.start(name, libs, MAIN_CLASS, opts, List.of(file.toAbsolutePath().toString()), Map.of(),
                dir.resolve(name + ".log"));
        ConnectWorker w = new ConnectWorker(name, dir, restPort, jvm);
        w.awaitReady(expectPlugins, timeout);
        return w;
    }

    private void awaitReady(List<String> expectPlugins, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new IOException("Connect worker " + name + " exited while starting; log " + jvm.log() + ":\n"
                        + jvm.tail(40));
            }
            try {
                ConnectRest.Response plugins = rest.get("/connector-plugins");
                last = plugins.text();
                if (plugins.ok() && expectPlugins.stream().allMatch(last::contains)) {
                    // The REST server answers before the worker joined its group; connectors need the group.
                    ConnectRest.Response connectors = rest.get("/connectors");
                    if (connectors.ok()) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IOException("Connect worker " + name + " not ready within " + timeout.toSeconds() + " s (last: "
                + last + "); log " + jvm.log() + ":\n" + jvm.tail(40));
    }

    public String name() {
        return name;
    }

    public ConnectRest rest() {
        return rest;
    }

    public int restPort() {
        return restPort;
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
