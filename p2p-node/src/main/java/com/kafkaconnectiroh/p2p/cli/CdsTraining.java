package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Speedtest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run behind the CLI's class-data-sharing archive ({@code CdsArchive}): the commands people run
 * most, each once, on loopback and in one JVM, so that the classes (and lambda forms) they load end up in the
 * archive. Run with {@code -XX:ArchiveClassesAtExit}; prints nothing unless something fails (then the archive is
 * simply not made). Not a user command.
 */
public final class CdsTraining {
    private CdsTraining() {}

    public static void main(String[] args) throws Exception {
        PrintStream realErr = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
        Path dir = Files.createTempDirectory("p2p-node-cds-training");
        int failures = 0;
        System.setOut(quiet);
        System.setErr(quiet);
        try (Node provider = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            String peer = provider.ticket().toString();
            byte[] data = new byte[3 << 20]; // a few BAO levels and many packets, yet quick
            new Random(7).nextBytes(data);
            String ticket = provider.blobs().ticket(provider.blobs().add(data).content()).toString();
            Path file = dir.resolve("send.bin");
            Files.write(file, data);

            failures += Main.run(sink, sink, "--help") + Main.run(sink, sink, "id") == 0 ? 0 : 1;
            failures += Main.run(sink, sink, "blob", "get", ticket, "-o", dir.resolve("got.bin").toString());
            failures += Main.run(sink, sink, "ping", peer, "--count", "2", "--interval", "10ms");
            failures += speedtest(sink);

            TopicId topic = TopicId.fromName("p2p-node cds training");
            provider.gossip().subscribe(topic, List.of());
            CompletableFuture<Integer> sub = CompletableFuture.supplyAsync(() ->
                    Main.run(sink, sink, "gossip", "subscribe", "--topic", topic.toString(), "--peer", peer, "--count", "1"));
            // The subscriber has joined once the provider sees it; then publish through the provider.
            failures += Main.run(sink, sink, "gossip", "publish", "--topic", topic.toString(), "--peer", peer, "first");
            for (int i = 0; i < 50 && !sub.isDone(); i++) {
                Main.run(sink, sink, "gossip", "publish", "--topic", topic.toString(), "--peer", peer, "again " + i);
            }
            failures += sub.get(30, TimeUnit.SECONDS);
            for (String help : List.of("serve", "speedtest", "blob", "gossip")) {
                Main.run(sink, sink, help, "--help");
            }
        } finally {
            System.setOut(new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true));
            System.setErr(realErr);
            deleteTree(dir);
        }
        if (failures != 0) {
            realErr.println("p2p-node CDS training: " + failures + " step(s) failed");
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** {@code speedtest connect} against an in-process speedtest server. */
    private static int speedtest(PrintWriter sink) throws IOException {
        Endpoint ep = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
        try (Router router = Router.builder(ep).accept(Speedtest.ALPN, new Speedtest()).spawn()) {
            return Main.run(sink, sink, "speedtest", "connect", ep.ticket().toString(), "--bytes", "2MiB");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
