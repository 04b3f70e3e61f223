package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code gossip publish} and {@code gossip subscribe} as separate processes, treated as a careless or hostile user
 * would: a subscriber frozen with SIGSTOP or killed with SIGKILL, a reader that stalls or goes away, stdin lines
 * that never end. Each ends with an honest exit code, and "acknowledged" means acknowledged.
 */
@Timeout(300)
class GossipCliProcessTest {
    static final String LOCAL = "127.0.0.1:0";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<CliProcess> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        for (CliProcess p : processes) {
            p.close();
        }
    }

    private CliProcess start(String... args) throws IOException {
        CliProcess p = CliProcess.start(args);
        processes.add(p);
        return p;
    }

    /** A subscriber on {@code topic}; returns it once its {@code topic:} line is out, with its addr in {@code addr}. */
    private CliProcess subscriber(String topic, String[] addr, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("gossip", "subscribe", "--topic", topic, "--bind", LOCAL));
        args.addAll(List.of(more));
        CliProcess sub = start(args.toArray(String[]::new));
        String line;
        while (!(line = sub.nextLine(WAIT)).startsWith("topic: ")) {
            if (line.startsWith("addr: ")) {
                addr[0] = line.substring("addr: ".length());
            }
        }
        return sub;
    }

    /** A JSON publisher reading stdin, returned once it has joined. */
    private CliProcess publisher(String topic, String addr) throws Exception {
        CliProcess pub = start("gossip", "publish", "--topic", topic, "--bind", LOCAL, "--peer", addr, "--json");
        assertEquals("ready", JSON.readTree(pub.nextLine(WAIT)).get("type").asText());
        assertEquals("joined", JSON.readTree(pub.nextLine(WAIT)).get("type").asText());
        return pub;
    }

    /** The last stdout line of an exited JSON publisher: its {@code done} object. */
    static JsonNode done(CliProcess pub) throws Exception {
        JsonNode last = null;
        String l;
        while ((l = pub.pollLine()) != null) {
            last = JSON.readTree(l);
        }
        assertTrue(last != null && last.get("type").asText().equals("done"), "no done line; stderr:\n" + pub.stderr());
        return last;
    }

    static void writeLines(OutputStream stdin, String format, int from, int to) throws IOException {
        OutputStream out = new BufferedOutputStream(stdin, 1 << 16);
        for (int i = from; i < to; i++) {
            out.write(String.format(format, i).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.flush();
    }

    /**
     * The finding: 100,000 lines to a subscriber frozen right after the publisher joined used to end with
     * "acknowledged":true and exit 0 (its connection timed out, the rest waited for a neighbor and was dropped,
     * and nothing was left to flag). It received nothing, so nothing is acknowledged.
     */
    @Test
    @Timeout(240)
    void aFrozenSubscriberAcknowledgesNothingAtAnyVolume() throws Exception {
        String[] addr = new String[1];
        CliProcess sub = subscriber("frozen", addr);
        CliProcess pub = publisher("frozen", addr[0]);
        sub.send("STOP");
        int n = 100_000;
        writeLines(pub.stdin(), "line %06d of the frozen test", 0, n);
        pub.stdin().close();
        int code = pub.awaitExit(Duration.ofSeconds(180));
        JsonNode done = done(pub);
        assertEquals(n, done.get("sent").asInt(), pub.stderr());
        assertFalse(done.get("acknowledged").asBoolean(), done.toString());
        assertEquals(0, done.get("delivered").asInt(), done.toString());
        assertEquals(n, done.get("undelivered").asInt(), done.toString());
        assertEquals(1, code, pub.stderr());
        assertTrue(pub.stderr().contains("but " + n + " were not acknowledged"), pub.stderr());
    }

    /**
     * A subscriber that is gone right after it received everything: killed (no goodbye at all) or leaving by
     * itself after --count. Its QUIC stack acknowledged every message first, so publish succeeds, every time.
     */
    @Test
    void aSubscriberGoneRightAfterTheLastMessageStillCountsAsDelivered() throws Exception {
        int n = 2000;
        for (int round = 0; round < 4; round++) {
            boolean kill = round < 3;
            String topic = "gone after last " + round;
            String[] addr = new String[1];
            CliProcess sub = kill ? subscriber(topic, addr) : subscriber(topic, addr, "--count", Integer.toString(n));
            CliProcess pub = publisher(topic, addr[0]);
            writeLines(pub.stdin(), "message %d", 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals("message " + i, sub.nextLine(WAIT), "round " + round);
            }
            if (kill) {
                Thread.sleep(500); // its ACK delay is 25 ms; the kill must not beat the acknowledgement itself
                sub.send("KILL");
            } else {
                assertEquals(0, sub.awaitExit(WAIT), sub.stderr());
            }
            pub.stdin().close(); // publish finishes after the subscriber is gone
            assertEquals(0, pub.awaitExit(WAIT), "round " + round + ": " + pub.stderr());
            JsonNode done = done(pub);
            assertTrue(done.get("acknowledged").asBoolean(), done.toString());
            assertEquals(n, done.get("delivered").asInt(), done.toString());
        }
    }

    @Test
    void subscribeWithCountExitsEvenWhenMessagesWereDroppedAndSaysHowMany() throws Exception {
        int n = 20_000;
        CliProcess sub = start("gossip", "subscribe", "--topic", "lagging reader", "--bind", LOCAL, "--json",
                "--count", Integer.toString(n));
        JsonNode ready = JSON.readTree(sub.nextLine(WAIT));
        sub.pauseStdout(); // a reader that stalls: the pipe fills, the subscriber's queue overflows
        CliProcess pub = publisher("lagging reader", ready.get("addr").asText());
        writeLines(pub.stdin(), "a line long enough to fill the pipe soon: %06d " + "x".repeat(60), 0, n);
        pub.stdin().close();
        assertEquals(0, pub.awaitExit(WAIT), pub.stderr());
        sub.resumeStdout();
        assertEquals(0, sub.awaitExit(WAIT), "--count counts the dropped messages too: " + sub.stderr());
        long received = 0;
        long lost = 0;
        String l;
        while ((l = sub.pollLine()) != null) {
            JsonNode e = JSON.readTree(l);
            switch (e.get("type").asText()) {
                case "received" -> received++;
                case "lagged" -> {
                    lost += e.get("messages").asLong();
                    assertTrue(e.get("events").asLong() >= e.get("messages").asLong(), l);
                }
                default -> { }
            }
        }
        assertTrue(lost > 0, "the stalled reader lost messages");
        assertEquals(n, received + lost, "every message printed or counted as lost");
        assertTrue(sub.stderr().contains(n + " message(s) counted, " + lost + " of them dropped"), sub.stderr());
    }

    @Test
    void subscribeLeavesWhenItsReaderIsGoneAsHeadDoes() throws Exception {
        String[] addr = new String[1];
        CliProcess sub = subscriber("head", addr);
        CliProcess pub = publisher("head", addr[0]);
        writeLines(pub.stdin(), "message %d", 0, 8);
        for (int i = 0; i < 8; i++) {
            assertEquals("message " + i, sub.nextLine(WAIT));
        }
        sub.closeStdout(); // `| head -n 8` has its 8 lines and exits
        // A later message finds the pipe closed. Not necessarily the first: our pump thread may be blocked in
        // read() on the pipe, which keeps it open until that read returns, and lines written in one burst can all
        // land in it. So the publisher goes on publishing, as a live source would, until the subscriber leaves.
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; sub.isAlive() && System.nanoTime() < deadline; i++) {
            writeLines(pub.stdin(), "after head %d", i, i + 1);
            Thread.sleep(100);
        }
        assertEquals(1, sub.awaitExit(WAIT), sub.stderr());
        assertTrue(sub.stderr().contains("p2p-node gossip subscribe: write error on stdout (its reader is gone"),
                sub.stderr());
        // the publisher is not under test: what it sent after the subscriber left would wait out its 30 s
        // acknowledgement timeout, so tearDown ends it
    }

    @Test
    void aStdinLineBeyondTheLimitIsRefusedAtOnceWithoutReadingTheRest() throws Exception {
        String[] addr = new String[1];
        subscriber("long line", addr);
        CliProcess pub = publisher("long line", addr[0]);
        writeLines(pub.stdin(), "fine %d", 0, 2);
        // a line that goes on and on: 5000 bytes so far, and stdin stays open (think `cat /dev/zero`)
        pub.stdin().write("y".repeat(5000).getBytes(StandardCharsets.UTF_8));
        pub.stdin().flush();
        assertEquals(1, pub.awaitExit(WAIT), pub.stderr());
        assertTrue(pub.stderr().contains("p2p-node gossip publish: line 3 of stdin is longer than the maximum of 4023 "
                + "bytes (stopped reading it at byte 4024); 2 earlier message(s) sent"), pub.stderr());
    }

    @Test
    void helpIsPlainText() throws Exception {
        for (String sub : new String[] {"subscribe", "publish"}) {
            CliProcess p = start("gossip", sub, "--help");
            assertEquals(0, p.awaitExit(WAIT), p.stderr());
            StringBuilder out = new StringBuilder();
            String l;
            while ((l = p.pollLine()) != null) {
                out.append(l).append('\n');
            }
            assertFalse(p.stderr().contains("picocli WARN"), p.stderr());
            String text = out.toString().replaceAll("\\s+", " ");
            assertTrue(text.contains("(UTF-8 bytes, as `printf %s NAME | b3sum`)"), text);
            assertFalse(text.contains("%%"), text);
        }
    }
}
