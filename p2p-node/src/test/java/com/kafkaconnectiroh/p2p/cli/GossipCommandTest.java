package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code p2p-node gossip subscribe / publish} end to end through {@link Main#run}, on loopback. */
@Timeout(90)
class GossipCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A command running in the background whose stdout arrives line by line. */
    static final class Running implements AutoCloseable {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Thread thread;

        Running(String... args) throws IOException {
            PipedWriter pw = new PipedWriter();
            PipedReader pr = new PipedReader(pw, 1 << 16);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(pr)) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // writer closed
                }
            }, "cli-stdout");
            reader.setDaemon(true);
            reader.start();
            thread = new Thread(() -> {
                try (PrintWriter out = new PrintWriter(pw, true)) {
                    exit.complete(Main.run(out, new PrintWriter(err, true), args));
                } catch (Throwable t) {
                    exit.completeExceptionally(t);
                }
            }, "cli-" + args[1]);
            thread.setDaemon(true);
            thread.start();
        }

        String line() throws InterruptedException {
            String l = lines.poll(20, TimeUnit.SECONDS);
            assertNotNull(l, "no output line in time; stderr: " + err);
            return l;
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(5000);
        }
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result runWithStdin(String stdin, String... args) {
        return runWithStdin(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    static Result runWithStdin(byte[] stdin, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(stdin));
        try {
            return run(args);
        } finally {
            System.setIn(old);
        }
    }

    private Running subscriber;

    static String value(String line, String name) {
        assertTrue(line.startsWith(name + ": "), "expected '" + name + ": …', got '" + line + "'");
        return line.substring(name.length() + 2);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    @Test
    void subscribePrintsItsAddressesThenMessagesFromPublishers() throws Exception {
        subscriber = new Running("gossip", "subscribe", "--topic", "cli chat", "--bind", "127.0.0.1:0", "--count", "4");
        // the address block every node-running command prints, then the topic
        String id = value(subscriber.line(), "endpoint id");
        String ticket = value(subscriber.line(), "ticket");
        String nodeTicket = value(subscriber.line(), "node ticket");
        String idAt = value(subscriber.line(), "addr");
        String bound = value(subscriber.line(), "bound");
        assertEquals(TopicId.fromName("cli chat").toString(), value(subscriber.line(), "topic"));
        EndpointAddr fromTicket = EndpointTicket.parse(ticket).addr();
        EndpointAddr fromIdAt = EndpointAddrs.parse(idAt);
        assertEquals(id, fromTicket.id().toString());
        assertEquals(fromTicket, EndpointAddrs.parse(nodeTicket));
        assertEquals(fromTicket.id(), fromIdAt.id());
        assertEquals(fromTicket.ipAddrs(), fromIdAt.ipAddrs());
        assertTrue(idAt.matches("[0-9a-f]{64}@127\\.0\\.0\\.1:\\d+"), idAt);
        assertTrue(idAt.endsWith("@" + bound), bound);

        // an argument, bootstrapping from the ticket
        Result r = run("gossip", "publish", "--topic", "cli chat", "--bind", "127.0.0.1:0", "--peer", ticket, "hello gossip");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("published 1 message(s)"), r.err());
        assertEquals("", r.out());
        assertEquals("hello gossip", subscriber.line());

        // stdin, one message a line, bootstrapping from id@ip:port; control characters come out escaped
        r = runWithStdin("first line\nsecond\tline\\\nünïcödé\n", "gossip", "publish", "--topic", "cli chat",
                "--bind", "127.0.0.1:0", "--peer", idAt);
        assertEquals(0, r.exit(), r.err());
        assertEquals("first line", subscriber.line());
        assertEquals("second\\tline\\\\", subscriber.line());
        assertEquals("ünïcödé", subscriber.line());
        assertEquals(0, subscriber.exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void jsonOutputForScripts() throws Exception {
        String topicHex = TopicId.fromName("cli json").toString();
        subscriber = new Running("gossip", "subscribe", "--topic", topicHex, "--bind", "127.0.0.1:0", "--json", "--count", "1");
        JsonNode ready = JSON.readTree(subscriber.line());
        assertEquals("ready", ready.get("type").asText());
        assertEquals(topicHex, ready.get("topic").asText());
        String id = ready.get("id").asText();
        assertEquals(id, EndpointTicket.parse(ready.get("ticket").asText()).addr().id().toString());
        assertTrue(ready.get("addr").asText().startsWith(id + "@127.0.0.1:"));
        assertEquals(1, ready.get("addrs").size());

        // the name and its hex are the same topic
        Result r = run("gossip", "publish", "--topic", "cli json", "--bind", "127.0.0.1:0", "--json",
                "--peer", ready.get("ticket").asText(), "{\"k\": 1}");
        assertEquals(0, r.exit(), r.err());
        String[] pub = r.out().trim().split("\n");
        assertEquals("ready", JSON.readTree(pub[0]).get("type").asText());
        JsonNode joined = JSON.readTree(pub[1]);
        assertEquals("joined", joined.get("type").asText());
        assertEquals(id, joined.get("neighbors").get(0).asText());
        assertEquals(JSON.readTree("{\"type\":\"sent\",\"index\":0,\"len\":8}"), JSON.readTree(pub[2]));
        assertEquals(JSON.readTree("{\"type\":\"done\",\"sent\":1,\"acknowledged\":true,\"delivered\":1,\"undelivered\":0}"),
                JSON.readTree(pub[3]));
        String publisher = JSON.readTree(pub[0]).get("id").asText();

        JsonNode up = JSON.readTree(subscriber.line());
        assertEquals("neighbor-up", up.get("type").asText());
        assertEquals(publisher, up.get("peer").asText());
        JsonNode msg = JSON.readTree(subscriber.line());
        assertEquals("received", msg.get("type").asText());
        assertEquals("{\"k\": 1}", msg.get("text").asText());
        assertEquals("7b226b223a20317d", msg.get("hex").asText());
        assertEquals(publisher, msg.get("from").asText());
        assertEquals("swarm", msg.get("scope").asText());
        assertEquals(0, msg.get("round").asInt());
        assertEquals(0, subscriber.exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void publishFailsClearlyWhenNoNeighborIsReached() {
        String nobody = SecretKey.generate().publicKey() + "@127.0.0.1:9";
        long t0 = System.nanoTime();
        Result r = run("gossip", "publish", "--topic", "void", "--bind", "127.0.0.1:0", "--peer", nobody,
                "--join-timeout", "2", "lost");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("no neighbor reached on topic " + TopicId.fromName("void") + " within 2 s"), r.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
    }

    @Test
    void anOversizedMessageIsRefusedBeforeWaitingForTheSwarm() {
        String nobody = SecretKey.generate().publicKey() + "@127.0.0.1:9";
        long t0 = System.nanoTime();
        Result r = run("gossip", "publish", "--topic", "void", "--bind", "127.0.0.1:0", "--peer", nobody,
                "--join-timeout", "60", "x".repeat(5000));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the message has 5000 bytes, more than the maximum of 4023; not sent"), r.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "did not wait for the 60 s join timeout");
    }

    @Test
    void subscribeSaysWhenItsBootstrapPeersCannotBeReachedAndKeepsWaiting() throws Exception {
        String nobody = SecretKey.generate().publicKey() + "@127.0.0.1:9";
        subscriber = new Running("gossip", "subscribe", "--topic", "lonely", "--bind", "127.0.0.1:0", "--peer", nobody,
                "--join-timeout", "1s");
        String hint = "no neighbor on topic " + TopicId.fromName("lonely") + " after 1 s (peers tried: ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!subscriber.err.toString().contains(hint) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(subscriber.err.toString().contains(hint + nobody.substring(0, 10)), subscriber.err.toString());
        assertTrue(subscriber.err.toString().contains("); still waiting"), subscriber.err.toString());
        assertFalse(subscriber.exit.isDone(), "subscribe keeps running: " + subscriber.err);
    }

    @Test
    void usageErrors() {
        Result r = run("gossip", "publish", "--topic", "t", "--bind", "127.0.0.1:0", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("at least one --peer"), r.err());
        r = run("gossip", "publish", "--topic", "t", "--bind", "127.0.0.1:0", "--peer", "not-a-peer", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--peer") && r.err().contains("expected an endpoint"), r.err());
        assertEquals(2, run("gossip", "subscribe").exit()); // --topic is required
        assertEquals(2, run("gossip").exit());
        r = run("gossip", "subscribe", "--topic", "t", "--bind", "127.0.0.1:0", "--count", "-5");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--count must be 0 (no limit) or more, got -5"), r.err());
        for (String acks : new String[] {"0", "-1", "some", ""}) {
            r = run("gossip", "publish", "--topic", "t", "--bind", "127.0.0.1:0", "--peer", PEER, "--acks", acks, "x");
            assertEquals(2, r.exit(), acks);
            assertTrue(r.err().contains("--acks must be 'all' or a number of neighbors (1 or more)"), r.err());
        }
        r = run("gossip", "publish", "--topic", "t", "--bind", "127.0.0.1:0", "--peer", PEER, "--ack-timeout", "0", "x");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--ack-timeout': must be more than 0"), r.err());
    }

    static final String PEER = SecretKey.generate().publicKey() + "@127.0.0.1:9";

    @Test
    void aTopicThatLooksLikeADamagedIdIsRefused() {
        String id63 = TopicId.fromName("chat").toString().substring(1);
        for (String cmd : new String[] {"subscribe", "publish"}) {
            Result r = run("gossip", cmd, "--topic", id63, "--bind", "127.0.0.1:0", "--peer", PEER);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("has 63 hex digits: a topic id has exactly 64"), r.err());
            r = run("gossip", cmd, "--topic", "", "--bind", "127.0.0.1:0", "--peer", PEER);
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().contains("a topic must not be empty"), r.err());
        }
    }

    @Test
    void stdinIsSentAsRawBytesOneLineAMessage() throws Exception {
        subscriber = new Running("gossip", "subscribe", "--topic", "raw bytes", "--bind", "127.0.0.1:0", "--json",
                "--count", "5");
        String ticket = JSON.readTree(subscriber.line()).get("ticket").asText();
        // invalid UTF-8 and NUL pass unchanged (no U+FFFD), CRLF ends a line like LF, a lone CR stays, an empty
        // line is an empty message, and the last line needs no line feed
        byte[] stdin = {(byte) 0xff, 0, 'a', '\n', 'b', '\r', '\n', 'c', '\r', 'd', '\n', '\n', (byte) 0xc3, 0x28};
        Result r = runWithStdin(stdin, "gossip", "publish", "--topic", "raw bytes", "--bind", "127.0.0.1:0",
                "--peer", ticket);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("published 5 message(s)"), r.err());
        List<String> hex = new ArrayList<>();
        while (hex.size() < 5) {
            JsonNode e = JSON.readTree(subscriber.line());
            if (e.get("type").asText().equals("received")) {
                hex.add(e.get("hex").asText());
            }
        }
        assertEquals(List.of("ff0061", "62", "630d64", "", "c328"), hex);
        assertEquals(0, subscriber.exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void lagNoticesSayHowMuchWasLost() {
        assertEquals("lagged: 5 message(s) were dropped because output was too slow (7 event(s) in all)",
                GossipCommand.human(new GossipEvent.Lagged(7, 5)));
        assertEquals("{\"type\":\"lagged\",\"messages\":5,\"events\":7}",
                GossipCommand.json(GossipCommand.event(new GossipEvent.Lagged(7, 5))));
    }

    @Test
    void textLinesEscapeWhatWouldBreakThem() {
        assertEquals("a\\nb\\r\\t\\\\c\\x00\\x7f\\xff\\xc3 é", GossipCommand.textLine(
                new byte[] {'a', '\n', 'b', '\r', '\t', '\\', 'c', 0, 0x7f, (byte) 0xff, (byte) 0xc3, ' ', (byte) 0xc3, (byte) 0xa9}));
    }
}
