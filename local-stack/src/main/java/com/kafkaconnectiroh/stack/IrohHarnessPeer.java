package com.kafkaconnectiroh.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real iroh 0.35 node from npm ({@code @number0/iroh@0.35.0}), through the interop tests' Node.js harness
 * (p2p-node/src/test/resources/iroh-harness, JSON lines on stdin/stdout, see its PROTOCOL.md). The demo starts one
 * when Node.js and the harness's npm packages are there (the test build installs them).
 */
public final class IrohHarnessPeer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final ConcurrentHashMap<Integer, BlockingQueue<JsonNode>> replies = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final JsonNode ready;

    /** The harness directory, if Node.js and its npm packages are installed; else null. */
    public static Path available(Path repoRoot) {
        Path dir = repoRoot.resolve("p2p-node/src/test/resources/iroh-harness");
        if (!Files.isDirectory(dir.resolve("node_modules/iroh035"))) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? dir : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public IrohHarnessPeer(Path harnessDir, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("node", "harness.js", "--iroh", "0.35", "--bind", "127.0.0.1:0")
                .directory(harnessDir.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        stdin = process.getOutputStream();
        Thread reader = new Thread(this::read, "iroh-harness-stdout");
        reader.setDaemon(true);
        reader.start();
        JsonNode first = events.poll(60, TimeUnit.SECONDS);
        if (first == null || !"ready".equals(first.path("event").asText())) {
            close();
            throw new IOException("the iroh harness did not start: " + first + " (log: " + log + ")");
        }
        ready = first;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                JsonNode n = JSON.readTree(l);
                if (n.has("id") && n.has("ok")) {
                    BlockingQueue<JsonNode> q = replies.get(n.path("id").asInt());
                    if (q != null) {
                        q.add(n);
                    }
                } else {
                    events.add(n);
                }
            }
        } catch (IOException e) {
            // ended
        }
    }

    public String id() {
        return ready.path("id").asText();
    }

    /** {@code <id>@<ip:port>,…}: what our peers and connectors dial. */
    public String idAtAddrs() {
        StringBuilder sb = new StringBuilder(id()).append('@');
        for (int i = 0; i < ready.path("addrs").size(); i++) {
            sb.append(i == 0 ? "" : ",").append(ready.path("addrs").get(i).asText());
        }
        return sb.toString();
    }

    /** Sends a command and waits for its reply (which must be ok). */
    public JsonNode call(String cmd, Object... kv) throws IOException, InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode req = JSON.createObjectNode().put("id", id).put("cmd", cmd);
        for (int i = 0; i < kv.length; i += 2) {
            req.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        BlockingQueue<JsonNode> q = new LinkedBlockingQueue<>();
        replies.put(id, q);
        synchronized (stdin) {
            stdin.write((JSON.writeValueAsString(req) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
        JsonNode reply = q.poll(60, TimeUnit.SECONDS);
        replies.remove(id);
        if (reply == null || !reply.path("ok").asBoolean()) {
            throw new IOException("iroh harness " + cmd + " failed: " + reply);
        }
        return reply;
    }

    /** The next event (gossip received, neighbor up, …), or null after the timeout. */
    public JsonNode nextEvent(long timeoutMs) throws InterruptedException {
        return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // gone already
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
