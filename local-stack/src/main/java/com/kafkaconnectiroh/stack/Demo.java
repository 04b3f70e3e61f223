package com.kafkaconnectiroh.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The README's first command ({@code bin/demo}): the product end to end on this machine, no Docker. A local Kafka
 * (KRaft) and a stock Connect worker from the distribution's jars, the plugin zip unpacked into its plugin.path,
 * peers run by the p2p-node CLI (and a real iroh 0.35 node when npm installed it), both connectors registered from
 * config/*.json over REST; then every flow, each checked and summarized as it completes:
 *
 * <ol>
 * <li>gossip → Kafka: lines a CLI peer publishes become records with the iroh headers;</li>
 * <li>Kafka → gossip: records become messages a CLI peer prints;</li>
 * <li>Kafka → gossip, large: a 3 MiB value travels as a blob; {@code p2p-node blob get} fetches it, verified;</li>
 * <li>gossip → Kafka, large: {@code gossip publish --blob} sends a reference; the source fetches the file,
 *     verified, into the record value;</li>
 * <li>with real iroh 0.35: its broadcast lands in Kafka and Kafka records reach it.</li>
 * </ol>
 *
 * It stops on its own (or at Ctrl-C), cleans up its processes and data, and keeps the logs ({@code target/demo/logs},
 * named on failure). {@code --quick}: fewer messages (CI runs it so).
 */
public final class Demo {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SOURCE_TOPIC = "kafka-connect-iroh-demo";
    static final String SINK_TOPIC = "iroh-demo-out";

    private final Path repo;
    private final Path root;
    private final Path logs;
    private final boolean quick;
    private final long start = System.nanoTime();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    private KafkaBroker broker;
    private ConnectRest rest;

    Demo(Path repo, boolean quick) {
        this.repo = repo;
        this.root = repo.resolve("target/demo");
        this.logs = root.resolve("logs");
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        Path repo = Path.of(System.getProperty("repo.root", ".")).toAbsolutePath().normalize();
        Demo demo = new Demo(repo, quick);
        Thread hook = new Thread(demo::stopAll, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            demo.run();
            code = 0;
        } catch (Exception | AssertionError e) {
            System.out.println();
            System.out.println("✗ " + e.getMessage());
            System.out.println("  logs: " + demo.logs + " (broker.log, worker.log, one per peer)");
            code = 1;
        }
        demo.stopAll();
        Runtime.getRuntime().removeShutdownHook(hook);
        System.exit(code);
    }

    void run() throws Exception {
        Dirs.deleteTree(root);
        Files.createDirectories(logs);
        System.out.println("kafka-connect-iroh demo: Kafka + Connect + iroh peers on this machine (logs in " + logs + ")");
        Path libs = repo.resolve("kafka-dist/target/kafka/libs");
        Path zip;
        try (var s = Files.list(repo.resolve("connect-plugin/target"))) {
            zip = s.filter(p -> p.getFileName().toString().matches("kafka-connect-iroh-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new IOException("no plugin zip in connect-plugin/target: build first"));
        }

        broker = track(KafkaBroker.start(libs, root.resolve("broker"), Ports.free(), Map.of(
                "message.max.bytes", Integer.toString(8 << 20)), List.of(), Duration.ofSeconds(90)));
        step("Kafka 4.3.1 (KRaft, one node) on " + broker.bootstrapServers());

        Path plugin = PluginInstaller.install(zip, root.resolve("plugins"));
        int restPort = Ports.free();
        Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), "demo-connect", restPort,
                root.resolve("plugins"));
        ConnectWorker worker = track(ConnectWorker.start("worker", libs, root.resolve("worker"), props, List.of(),
                List.of("IrohSourceConnector", "IrohSinkConnector"), Duration.ofSeconds(120)));
        rest = worker.rest();
        step("stock Connect worker (distributed) at " + rest.url() + " loaded " + plugin.getFileName()
                + " from plugin.path: IrohSourceConnector, IrohSinkConnector");

        // Identities: fixed per run so peers and connectors can dial each other by id@ip:port.
        SecretKey sourceKey = SecretKey.generate();
        SecretKey sinkKey = SecretKey.generate();
        SecretKey pubKey = SecretKey.generate();
        SecretKey subKey = SecretKey.generate();
        int sourcePort = Ports.freeUdp();
        int sinkPort = Ports.freeUdp();
        int pubPort = Ports.freeUdp();
        int subPort = Ports.freeUdp();
        String sourceAddr = sourceKey.publicKey() + "@127.0.0.1:" + sourcePort;

        CliPeer subscriber = track(CliPeer.start("p2p-node-subscriber", repo, logs, "gossip", "subscribe", "--topic",
                SINK_TOPIC, "--json", "--bind", "127.0.0.1:" + subPort, "--secret", hex(subKey)));
        subscriber.awaitLine("{\"type\":\"ready\"", 60_000);
        Path harness = IrohHarnessPeer.available(repo);
        IrohHarnessPeer iroh = null;
        if (harness != null) {
            iroh = track(new IrohHarnessPeer(harness, logs.resolve("iroh-0.35.log")));
            iroh.call("gossip-subscribe", "topic", TopicId.fromName(SINK_TOPIC).toString(), "bootstrap", List.of());
            iroh.call("gossip-subscribe", "topic", TopicId.fromName(SOURCE_TOPIC).toString(), "bootstrap", List.of());
        }
        step("peers: p2p-node subscriber " + subKey.publicKey().fmtShort() + " on gossip topic " + SINK_TOPIC
                + (iroh == null ? "; no real iroh peer (npm packages of the test harness not installed)"
                : "; real iroh 0.35 node " + iroh.id().substring(0, 10) + " (npm @number0/iroh@0.35.0)"));

        String sinkPeers = subKey.publicKey() + "@127.0.0.1:" + subPort + (iroh == null ? "" : "," + iroh.idAtAddrs());
        String sourcePeers = iroh == null ? "" : iroh.idAtAddrs();
        register("source-gossip.json", Map.of("iroh.secret.key", hex(sourceKey), "iroh.bind", "127.0.0.1:" + sourcePort,
                "iroh.peers", sourcePeers, "iroh.data.dir", root.resolve("data").toString()));
        register("sink-gossip.json", Map.of("iroh.secret.key", hex(sinkKey), "iroh.bind", "127.0.0.1:" + sinkPort,
                "iroh.peers", sinkPeers, "iroh.data.dir", root.resolve("data").toString(),
                "delivery.min.neighbors", "1"));
        step("connectors from config/source-gossip.json and config/sink-gossip.json RUNNING: source endpoint "
                + sourceKey.publicKey().fmtShort() + " on udp/" + sourcePort + ", sink endpoint "
                + sinkKey.publicKey().fmtShort() + " on udp/" + sinkPort);

        int n = quick ? 20 : 100;
        String gossipKafkaTopic = "iroh.gossip." + TopicId.fromName(SOURCE_TOPIC);

        // 1. gossip → Kafka
        try (CliPeer pub = CliPeer.start("p2p-node-publisher", repo, logs, "gossip", "publish", "--topic", SOURCE_TOPIC,
                "--peer", sourceAddr, "--bind", "127.0.0.1:" + pubPort, "--secret", hex(pubKey), "--join-timeout", "60s")) {
            try (OutputStream in = pub.stdin()) {
                for (int i = 0; i < n; i++) {
                    in.write(("hello from the p2p-node publisher #" + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            int exit = pub.waitFor(120_000);
            check(exit == 0, "p2p-node gossip publish exited " + exit + " (not every line acknowledged; log " + pub.log() + ")");
        }
        List<ConsumerRecord<byte[], byte[]>> got = read(gossipKafkaTopic, n, r -> text(r.value()).startsWith("hello from"));
        check(got.size() == n, "gossip → Kafka: " + got.size() + " of " + n + " lines arrived in " + gossipKafkaTopic);
        ConsumerRecord<byte[], byte[]> one = got.get(0);
        flow("gossip → Kafka: " + n + "/" + n + " lines published by `p2p-node gossip publish` are records in "
                + gossipKafkaTopic.substring(0, 24) + "…", "e.g. value \"" + text(one.value()) + "\", headers "
                + "iroh.gossip.from=" + header(one, "iroh.gossip.from").substring(0, 10) + "… iroh.gossip.message.id="
                + header(one, "iroh.gossip.message.id").substring(0, 10) + "…");

        // 2. Kafka → gossip
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(SINK_TOPIC, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("record #" + i + " from Kafka").getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        Set<String> printed = new HashSet<>();
        List<JsonNode> envelopes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (printed.size() < n && System.nanoTime() < deadline) {
            JsonNode m = receivedAt(subscriber, deadline);
            if (m != null && m.path("text").asText("").startsWith("record #")) {
                printed.add(m.path("text").asText());
            }
        }
        check(printed.size() == n, "Kafka → gossip: the subscriber printed " + printed.size() + " of " + n + " records");
        flow("Kafka → gossip: " + n + "/" + n + " records of Kafka topic " + SINK_TOPIC + " printed by `p2p-node "
                + "gossip subscribe`", "offsets committed only once a neighbor acknowledged each message");

        // 3. Kafka → gossip, a large value as a blob
        byte[] big = new byte[3 << 20];
        new Random(42).nextBytes(big);
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            p.send(new ProducerRecord<>(SINK_TOPIC, "big".getBytes(StandardCharsets.UTF_8), big)).get();
        }
        BlobRef ref = null;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ref == null && System.nanoTime() < deadline) {
            JsonNode m = receivedAt(subscriber, deadline);
            if (m != null) {
                byte[] bytes = Hex.decode(m.path("hex").asText());
                if (EnvelopeCodec.isEnvelope(bytes) && EnvelopeCodec.decode(bytes) instanceof Message.Full f
                        && f.envelope().payload() instanceof Envelope.Blob b) {
                    ref = b.ref();
                }
            }
        }
        check(ref != null, "Kafka → gossip (large): no blob reference reached the subscriber");
        EndpointAddr provider = ref.providers().get(0);
        String ticket = new BlobTicket(provider, ref.content()).toString();
        Path fetched = root.resolve("blob-from-kafka.bin");
        try (CliPeer get = CliPeer.start("p2p-node-blob-get", repo, logs, "blob", "get", ticket, "-o", fetched.toString())) {
            int exit = get.waitFor(120_000);
            check(exit == 0, "p2p-node blob get exited " + exit + " (log " + get.log() + ")");
        }
        check(Hash.of(Files.readAllBytes(fetched)).equals(Hash.of(big)), "the fetched blob differs from the record value");
        flow("Kafka → gossip, large value: a " + mib(big.length) + " record became blob " + ref.content().hash().fmtShort()
                + "…; `p2p-node blob get` fetched it from the sink's node, verified, identical",
                "the gossip message carried only the reference (" + ref.size() + " bytes claimed, proven by BLAKE3)");

        // 4. gossip → Kafka, a large value as a blob
        byte[] file = new byte[900_000];
        new Random(7).nextBytes(file);
        Path upload = root.resolve("blob-to-kafka.bin");
        Files.write(upload, file);
        try (CliPeer pub = CliPeer.start("p2p-node-blob-publisher", repo, logs, "gossip", "publish", "--topic",
                SOURCE_TOPIC, "--peer", sourceAddr, "--blob", upload.toString(), "--bind", "127.0.0.1:" + pubPort,
                "--secret", hex(pubKey), "--join-timeout", "60s")) {
            List<ConsumerRecord<byte[], byte[]>> blobs = read(gossipKafkaTopic, 1,
                    r -> "blob".equals(header(r, "iroh.value.kind")));
            check(blobs.size() == 1, "gossip → Kafka (large): no record with the fetched blob arrived");
            check(Hash.of(blobs.get(0).value()).equals(Hash.of(file)), "the record value differs from the published file");
            flow("gossip → Kafka, large value: `p2p-node gossip publish --blob` sent a reference to a " + mib(file.length)
                    + " file; the source fetched it peer to peer, verified, into the record value",
                    "headers iroh.blob.hash=" + header(blobs.get(0), "iroh.blob.hash").substring(0, 10) + "… iroh.blob.size="
                            + header(blobs.get(0), "iroh.blob.size"));
        } // closing the publisher (SIGTERM) stops serving the file


        // 5. real iroh 0.35
        if (iroh != null) {
            String line = "hello from real iroh 0.35";
            iroh.call("gossip-broadcast", "topic", TopicId.fromName(SOURCE_TOPIC).toString(), "hex",
                    Hex.encode(line.getBytes(StandardCharsets.UTF_8)));
            List<ConsumerRecord<byte[], byte[]>> fromIroh = read(gossipKafkaTopic, 1, r -> text(r.value()).equals(line));
            check(fromIroh.size() == 1, "iroh 0.35 → Kafka: its broadcast did not arrive");
            boolean kafkaAtIroh = false;
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!kafkaAtIroh && System.nanoTime() < deadline) {
                JsonNode e = iroh.nextEvent(500);
                kafkaAtIroh = e != null && "received".equals(e.path("kind").asText())
                        && text(Hex.decode(e.path("content").asText())).startsWith("record #");
            }
            check(kafkaAtIroh, "Kafka → iroh 0.35: no record reached the iroh node");
            flow("real iroh 0.35: its broadcast is a Kafka record (iroh.gossip.from=" + iroh.id().substring(0, 10)
                    + "…), and Kafka records reached it through the sink", "interop with unmodified iroh from npm");
        }
        documentsIntoKafka();
        kafkaIntoADocument(n);
        System.out.printf("%ndone in %.0f s: %d flows checked, all ok.%n", secs(), summary.size());
    }

    /** 6. An iroh document → Kafka: a p2p-node writes entries, the source (docs kind) makes them records. */
    private void documentsIntoKafka() throws Exception {
        Path dir = root.resolve("data").resolve("doc-writer");
        String doc = oneLine("p2p-node-doc-create", "doc", "create", "--data-dir", dir.toString());
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        entries.put("sensor/1", "21.5 °C");
        entries.put("sensor/2", "19.0 °C");
        entries.put("sensor/3", "23.1 °C");
        for (Map.Entry<String, String> e : entries.entrySet()) {
            runCli("p2p-node-doc-set", "doc", "set", "--data-dir", dir.toString(), doc, e.getKey(), e.getValue());
        }
        CliPeer share = track(CliPeer.start("p2p-node-doc-share", repo, logs, "doc", "share", "--data-dir",
                dir.toString(), "--bind", "127.0.0.1:" + Ports.freeUdp(), doc, "read"));
        String ticket = share.awaitLine("doc", 60_000).trim();
        register("source-docs.json", Map.of("docs.tickets", ticket, "iroh.bind", "127.0.0.1:" + Ports.freeUdp(),
                "iroh.data.dir", root.resolve("data").toString()));
        String topic = "iroh.docs." + doc;
        List<ConsumerRecord<byte[], byte[]>> got = read(topic, entries.size(), r -> r.key() != null);
        check(got.size() == entries.size(), "document → Kafka: " + got.size() + " of " + entries.size()
                + " entries arrived in " + topic);
        for (ConsumerRecord<byte[], byte[]> r : got) {
            check(text(r.value()).equals(entries.get(text(r.key()))), "document → Kafka: " + text(r.key())
                    + " has value " + text(r.value()));
        }
        ConsumerRecord<byte[], byte[]> one = got.get(0);
        flow("document → Kafka: " + got.size() + "/" + entries.size() + " entries of a document written with `p2p-node "
                + "doc set` are records in iroh.docs." + doc.substring(0, 10) + "… (key = entry key)",
                "e.g. " + text(one.key()) + " = \"" + text(one.value()) + "\", headers iroh.doc.author="
                + header(one, "iroh.doc.author").substring(0, 10) + "… iroh.doc.timestamp="
                + header(one, "iroh.doc.timestamp") + "; replayable: offsets in the document's change feed");
    }

    /** 7. Kafka → an iroh document: the sink (doc mode) writes records as entries; `p2p-node doc watch` sees them. */
    private void kafkaIntoADocument(int n) throws Exception {
        Path dir = root.resolve("data").resolve("doc-reader");
        String doc = oneLine("p2p-node-doc-create-2", "doc", "create", "--data-dir", dir.toString());
        int port = Ports.freeUdp();
        String ticket;
        // share prints a write ticket; watch then runs on the same identity and port, so the ticket dials it
        try (CliPeer share = CliPeer.start("p2p-node-doc-share-write", repo, logs, "doc", "share", "--data-dir",
                dir.toString(), "--bind", "127.0.0.1:" + port, doc, "write")) {
            ticket = share.awaitLine("doc", 60_000).trim();
        }
        CliPeer watch = track(CliPeer.start("p2p-node-doc-watch", repo, logs, "doc", "watch", "--data-dir",
                dir.toString(), "--bind", "127.0.0.1:" + port, doc));
        String kafkaTopic = ConnectRest.readConnectorConfig(repo.resolve("config/sink-doc.json")).get("topics");
        register("sink-doc.json", Map.of("doc.ticket", ticket, "iroh.bind", "127.0.0.1:" + Ports.freeUdp(),
                "iroh.data.dir", root.resolve("data").toString()));
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(kafkaTopic, String.format("order-%04d", i).getBytes(StandardCharsets.UTF_8),
                        ("order #" + i + " from Kafka").getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        Set<String> keys = new HashSet<>();
        Set<String> ready = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while ((keys.size() < n || !ready.containsAll(hashes)) && System.nanoTime() < deadline) {
            String l = watch.nextLine(500);
            if (l == null) {
                continue;
            }
            String[] f = l.split("\t");
            if (f[0].equals("insert-remote") && f.length >= 6 && f[1].startsWith("order-")) {
                keys.add(f[1]);
                hashes.add(f[3]);
            } else if (f[0].equals("content-ready") && f.length >= 2) {
                ready.add(f[1]);
            }
        }
        check(keys.size() == n, "Kafka → document: `p2p-node doc watch` saw " + keys.size() + " of " + n + " records");
        check(ready.containsAll(hashes), "Kafka → document: the content of " + (hashes.size() - ready.size())
                + " entries did not arrive");
        flow("Kafka → document: " + n + "/" + n + " records of Kafka topic " + kafkaTopic + " are entries with "
                + "content in a document `p2p-node doc watch` syncs live",
                "the Kafka offsets are committed in the document's metadata with the entries: a restart rewrites nothing");
    }

    /** Runs a one-shot p2p-node command that must exit 0. */
    private void runCli(String name, String... args) throws Exception {
        try (CliPeer c = CliPeer.start(name, repo, logs, args)) {
            int exit = c.waitFor(60_000);
            check(exit == 0, "p2p-node " + String.join(" ", args) + " exited " + exit + " (log " + c.log() + ")");
        }
    }

    /** Runs a one-shot p2p-node command and returns its first stdout line (it must exit 0). */
    private String oneLine(String name, String... args) throws Exception {
        try (CliPeer c = CliPeer.start(name, repo, logs, args)) {
            String line = c.nextLine(60_000);
            int exit = c.waitFor(60_000);
            check(exit == 0 && line != null, "p2p-node " + String.join(" ", args) + " exited " + exit + " (log "
                    + c.log() + ")");
            return line.trim();
        }
    }

    private void register(String file, Map<String, String> overrides) throws Exception {
        Path p = repo.resolve("config").resolve(file);
        String name = ConnectRest.readConnectorName(p);
        Map<String, String> config = new HashMap<>(ConnectRest.readConnectorConfig(p));
        config.putAll(overrides);
        rest.putConnector(name, config).orThrow("register " + name + " from config/" + file);
        rest.awaitRunning(name, 1, Duration.ofSeconds(90));
    }

    /** The next "received" JSON line of a subscriber, or null at the deadline. */
    private static JsonNode receivedAt(CliPeer sub, long deadlineNanos) throws Exception {
        while (System.nanoTime() < deadlineNanos) {
            String l = sub.nextLine(500);
            if (l != null && l.startsWith("{")) {
                JsonNode n = JSON.readTree(l);
                if ("received".equals(n.path("type").asText())) {
                    return n;
                }
            }
        }
        return null;
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, int n,
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> match) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            boolean assigned = false;
            while (out.size() < n && System.nanoTime() < deadline) {
                if (!assigned) {
                    try {
                        var parts = c.partitionsFor(topic, Duration.ofSeconds(2));
                        if (parts == null || parts.isEmpty()) {
                            continue;
                        }
                        List<TopicPartition> tps = parts.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                        c.assign(tps);
                        c.seekToBeginning(tps);
                        assigned = true;
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        continue;
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        return new KafkaProducer<>(p);
    }

    private <T extends AutoCloseable> T track(T t) {
        synchronized (running) {
            running.add(t);
        }
        return t;
    }

    /** Stops everything started, newest first; deletes the data, keeps the logs. Idempotent. */
    void stopAll() {
        List<AutoCloseable> all;
        synchronized (running) {
            all = new ArrayList<>(running);
            running.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        try {
            for (String dir : List.of("broker", "worker")) {
                Path log = root.resolve(dir).resolve(dir.equals("broker") ? "broker.log" : "worker.log");
                if (Files.exists(log)) {
                    Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String dir : List.of("broker", "worker", "plugins", "data", "blob-from-kafka.bin", "blob-to-kafka.bin")) {
                Dirs.deleteTree(root.resolve(dir));
            }
        } catch (IOException e) {
            // best effort
        }
    }

    private void step(String what) {
        System.out.printf("[%5.1fs] ✓ %s%n", secs(), what);
    }

    private void flow(String what, String detail) {
        summary.add(what);
        System.out.printf("[%5.1fs] ✓ %s%n          %s%n", secs(), what, detail);
    }

    private static void check(boolean ok, String failure) {
        if (!ok) {
            throw new AssertionError(failure);
        }
    }

    private double secs() {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String hex(SecretKey k) {
        return Hex.encode(k.toBytes());
    }

    private static String text(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

}
