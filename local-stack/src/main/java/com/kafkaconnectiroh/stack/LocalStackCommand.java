package com.kafkaconnectiroh.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code bin/local-stack start|stop|status}: the demo's broker and Connect worker (with the plugin in plugin.path)
 * kept running in the background for people who want to POST their own connector configs. State (pids, ports, REST
 * URL) and logs live in {@code target/local-stack}; {@code stop} ends both processes (SIGTERM, then SIGKILL) and
 * deletes the data.
 */
public final class LocalStackCommand {
    private LocalStackCommand() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        Path dir = repo.resolve("target/local-stack");
        String cmd = args.length == 0 ? "status" : args[0];
        int code = switch (cmd) {
            case "start" -> start(repo, dir);
            case "stop" -> stop(dir);
            case "status" -> status(dir);
            default -> {
                System.err.println("usage: bin/local-stack start|stop|status");
                yield 2;
            }
        };
        System.exit(code);
    }

    static int start(Path repo, Path dir) throws Exception {
        Optional<Properties> running = state(dir);
        if (running.isPresent() && alive(running.get())) {
            System.out.println("already running: Connect REST " + running.get().getProperty("rest") + " (bin/local-stack stop)");
            return 0;
        }
        Demo.deleteTree(dir);
        Files.createDirectories(dir);
        Path libs = repo.resolve("kafka-dist/target/kafka/libs");
        Path zip;
        try (var s = Files.list(repo.resolve("connect-plugin/target"))) {
            zip = s.filter(p -> p.getFileName().toString().matches("kafka-connect-iroh-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new IOException("no plugin zip in connect-plugin/target: build first"));
        }
        PluginInstaller.install(zip, dir.resolve("plugins"));
        KafkaBroker broker = KafkaBroker.start(libs, dir.resolve("broker"), Ports.free(),
                Map.of("message.max.bytes", Integer.toString(8 << 20)), List.of(), Duration.ofSeconds(90));
        int restPort = Ports.free();
        Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), "local-connect", restPort,
                dir.resolve("plugins"));
        // Connector keys and blob stores of this stack stay inside it (unless a config sets iroh.data.dir).
        ConnectWorker worker;
        try {
            worker = ConnectWorker.start("worker", libs, dir.resolve("worker"), props,
                    List.of("-Duser.home=" + dir.resolve("home")), List.of("IrohSourceConnector", "IrohSinkConnector"),
                    Duration.ofSeconds(120));
        } catch (IOException e) {
            broker.close();
            throw e;
        }
        Properties st = new Properties();
        st.setProperty("broker.pid", Long.toString(broker.process().pid()));
        st.setProperty("worker.pid", Long.toString(worker.process().pid()));
        st.setProperty("bootstrap", broker.bootstrapServers());
        st.setProperty("rest", worker.rest().url());
        try (OutputStream out = Files.newOutputStream(dir.resolve("state.properties"))) {
            st.store(out, "bin/local-stack");
        }
        System.out.println("Kafka (KRaft):     " + broker.bootstrapServers());
        System.out.println("Connect REST URL:  " + worker.rest().url());
        System.out.println("plugin.path:       " + dir.resolve("plugins"));
        System.out.println("logs:              " + dir.resolve("broker/broker.log") + ", " + dir.resolve("worker/worker.log"));
        System.out.println("try:               curl -s -X POST -H 'Content-Type: application/json' --data @config/source-gossip.json "
                + worker.rest().url() + "/connectors");
        System.out.println("stop with:         bin/local-stack stop");
        return 0;
    }

    static int stop(Path dir) throws Exception {
        Optional<Properties> st = state(dir);
        if (st.isEmpty()) {
            System.out.println("not running");
            return 0;
        }
        for (String key : List.of("worker.pid", "broker.pid")) {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(st.get().getProperty(key)));
            if (h.isPresent() && h.get().isAlive()) {
                h.get().destroy();
                try {
                    h.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.get().destroyForcibly();
                }
            }
        }
        Files.deleteIfExists(dir.resolve("state.properties"));
        for (String d : List.of("broker/data", "plugins", "home")) {
            Demo.deleteTree(dir.resolve(d));
        }
        System.out.println("stopped (logs kept in " + dir + ")");
        return 0;
    }

    static int status(Path dir) throws IOException {
        Optional<Properties> st = state(dir);
        if (st.isEmpty() || !alive(st.get())) {
            System.out.println("not running (bin/local-stack start)");
            return 1;
        }
        System.out.println("running: Kafka " + st.get().getProperty("bootstrap") + ", Connect REST " + st.get().getProperty("rest"));
        return 0;
    }

    private static Optional<Properties> state(Path dir) throws IOException {
        Path f = dir.resolve("state.properties");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        }
        return Optional.of(p);
    }

    private static boolean alive(Properties st) {
        return List.of("broker.pid", "worker.pid").stream().allMatch(k ->
                ProcessHandle.of(Long.parseLong(st.getProperty(k))).map(ProcessHandle::isAlive).orElse(false));
    }
}
