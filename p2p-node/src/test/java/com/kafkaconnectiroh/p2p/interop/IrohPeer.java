package com.kafkaconnectiroh.p2p.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * One real iroh node, run by the Node.js harness ({@code src/test/resources/iroh-harness/harness.js}) in its
 * own process and driven by JSON lines: {@link #call} sends a command and waits for its one response, events
 * ({@code accepted}, {@code closed}, {@code sink}, {@code gossip}, ...) queue up for {@link #awaitEvent}.
 * Every wait has a timeout; the harness's stderr goes to {@code target/iroh-harness-logs/<name>.log}.
 *
 * <pre>{@code
 * try (IrohPeer server = IrohPeer.start(IrohVersion.V1, PeerOption.alpn("test/echo", Behaviour.ECHO));
 *      IrohPeer client = IrohPeer.start(IrohVersion.V1)) {
 *     int conn = client.call("connect", "addr", server.addr(), "alpn", "test/echo").get("conn").asInt();
 *     client.call("echo-test", "conn", conn, "sizes", List.of(1, 1 << 20));
 * }
 * }</pre>
 */
public final class IrohPeer implements AutoCloseable {
    /** The harness folder; Maven passes it as a system property (see p2p-node/pom.xml). */
    public static final String HARNESS_DIR_PROPERTY = "iroh.harness.dir";
    /** Overrides the {@code node} executable found on PATH. */
    public static final String NODE_PROPERTY = "iroh.harness.node";
    /** Overrides where harness logs go ({@code target/iroh-harness-logs}). */
    public static final String LOG_DIR_PROPERTY = "iroh.harness.logs";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicInteger PEER_COUNTER = new AtomicInteger();
    private static final int MAX_QUEUED_EVENTS = 20_000;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final IrohVersion version;
    private final Process process;
    private final OutputStream stdin;
    private final Path logFile;
    private final Duration callTimeout;
    private final Thread reader;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final ReentrantLock eventLock = new ReentrantLock();
    private final Condition eventArrived = eventLock.newCondition();
    private final ArrayDeque<JsonNode> events = new ArrayDeque<>();
    private long droppedEvents;
    private volatile String deathReason;
    private volatile JsonNode readyEvent;

    private IrohPeer(String name, IrohVersion version, Process process, Path logFile, Duration callTimeout) {
        this.name = name;
        this.version = version;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.logFile = logFile;
        this.callTimeout = callTimeout;
        this.reader = new Thread(this::readStdout, "iroh-harness-" + name);
        this.reader.setDaemon(true);
    }

    /** Spawns {@code node harness.js --iroh <version> ...} and waits for its {@code ready} event. */
    public static IrohPeer start(IrohVersion version, PeerOption... options) {
        String name = null;
        Duration readyTimeout = DEFAULT_TIMEOUT;
        Duration callTimeout = DEFAULT_TIMEOUT;
        String netns = null;
        List<String> args = new ArrayList<>(List.of("--iroh", version.harnessArg()));
        for (PeerOption o : options) {
            if (o instanceof PeerOption.Alpn a) {
                args.addAll(List.of("--alpn", a.alpn() + "=" + a.behaviour().wireName()));
            } else if (o instanceof PeerOption.Secret s) {
                args.addAll(List.of("--secret", s.hex()));
            } else if (o instanceof PeerOption.Bind b) {
                args.addAll(List.of("--bind", b.hostPort()));
            } else if (o instanceof PeerOption.Netns n) {
                netns = n.name();
            } else if (o instanceof PeerOption.Relay r) {
                args.addAll(List.of("--relay", r.url()));
            } else if (o instanceof PeerOption.Docs) {
                args.add("--docs");
            } else if (o instanceof PeerOption.Store st) {
                args.addAll(List.of("--store", st.dir()));
            } else if (o instanceof PeerOption.Retry) {
                args.add("--retry");
            } else if (o instanceof PeerOption.DiscoveryN0) {
                args.add("--discovery-n0");
            } else if (o instanceof PeerOption.Name n) {
                name = n.name();
            } else if (o instanceof PeerOption.ReadyTimeout t) {
                readyTimeout = t.timeout();
            } else if (o instanceof PeerOption.CallTimeout t) {
                callTimeout = t.timeout();
            }
        }
        if (name == null) {
            name = "iroh" + version.harnessArg().replace(".", "") + "-" + PEER_COUNTER.incrementAndGet();
        }
        Path dir = harnessDir();
        List<String> command = new ArrayList<>();
        if (netns != null) {
            command.addAll(List.of("ip", "netns", "exec", netns)); // execs node: the process stays node itself
        }
        command.addAll(List.of(nodeExecutable(), dir.resolve("harness.js").toString()));
        command.addAll(args);

        Path logFile = logDir(dir).resolve(name + ".log");
        Process process;
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.to(logFile.toFile()));
            // anyhow appends Rust backtraces to every error text when these are set.
            pb.environment().put("RUST_BACKTRACE", "0");
            pb.environment().put("RUST_LIB_BACKTRACE", "0");
            pb.environment().put("NODE_NO_WARNINGS", "1");
            process = pb.start();
        } catch (IOException e) {
            throw new IrohHarnessException("could not start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        IrohPeer peer = new IrohPeer(name, version, process, logFile, callTimeout);
        peer.reader.start();
        try {
            peer.readyEvent = peer.ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            peer.close();
            throw new IrohHarnessException("iroh " + version.release() + " harness '" + name + "' sent no ready event within "
                    + readyTimeout + "; log " + logFile + ":\n" + peer.logTail());
        } catch (ExecutionException e) {
            peer.close();
            throw new IrohHarnessException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            peer.close();
            throw new IrohHarnessException("interrupted while starting harness '" + name + "'", e);
        }
        String reported = peer.readyEvent.path("iroh").asText();
        if (!reported.equals(version.release())) {
            peer.close();
            throw new IrohHarnessException("harness '" + name + "' runs iroh " + reported + ", expected " + version.release());
        }
        return peer;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Identity

    public String name() {
        return name;
    }

    public IrohVersion version() {
        return version;
    }

    /** The node's id, 64 hex characters. */
    public String id() {
        return readyEvent.get("id").asText();
    }

    public EndpointId endpointId() {
        return EndpointId.parse(id());
    }

    /** Direct addresses ({@code ip:port}) of the bound address family. */
    public List<String> addrs() {
        List<String> out = new ArrayList<>();
        readyEvent.get("addrs").forEach(a -> out.add(a.asText()));
        return out;
    }

    /** {@code {"id":..., "addrs":[...]}}, the address parameter of {@code connect}, {@code ping} etc. */
    public ObjectNode addr() {
        ObjectNode a = MAPPER.createObjectNode();
        a.put("id", id());
        ArrayNode list = a.putArray("addrs");
        addrs().forEach(list::add);
        return a;
    }

    /**
     * {@code {"id":..., "addrs":[], "relayUrl":url}}: an address with no direct addresses, so iroh can reach the
     * peer only through the relay.
     */
    public ObjectNode relayOnlyAddr(String relayUrl) {
        ObjectNode a = MAPPER.createObjectNode();
        a.put("id", id());
        a.putArray("addrs");
        a.put("relayUrl", relayUrl);
        return a;
    }

    /**
     * Waits until the endpoint started with {@link PeerOption#relay} has its home relay connected (iroh's
     * {@code online()}) and returns that relay's URL as iroh prints it (normalised, e.g. with a trailing slash).
     */
    public String online(Duration timeout) {
        JsonNode r = call("online", params("timeoutMs", timeout.toMillis()), timeout.plusSeconds(5));
        if (!r.path("relay").isTextual()) {
            throw new IrohHarnessException("harness '" + name + "' is online but reports no home relay: " + r, r, null);
        }
        return r.get("relay").asText();
    }

    /** The endpoint ticket from the ready event (iroh 1.x), or null (the 0.35 binding makes none). */
    public String ticket() {
        JsonNode t = readyEvent.get("ticket");
        return t == null || t.isNull() ? null : t.asText();
    }

    /** The whole {@code ready} event (also relay URL, bound sockets, start-up time). */
    public JsonNode readyEvent() {
        return readyEvent;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Commands

    /** Sends {@code cmd} with parameters given as alternating names and values; see {@link #call(String, ObjectNode)}. */
    public JsonNode call(String cmd, Object... namesAndValues) {
        return call(cmd, params(namesAndValues), callTimeout);
    }

    /** Sends {@code cmd}, waits for its response and returns it; throws {@link IrohHarnessException} on {@code ok:false}. */
    public JsonNode call(String cmd, ObjectNode params) {
        return call(cmd, params, callTimeout);
    }

    public JsonNode call(String cmd, ObjectNode params, Duration timeout) {
        JsonNode r = attempt(cmd, params, timeout);
        if (!r.path("ok").asBoolean(false)) {
            throw new IrohHarnessException("iroh " + version.release() + " harness '" + name + "': " + cmd + " failed: "
                    + r.path("error").asText("(no error text)"), r, null);
        }
        return r;
    }

    /** Like {@link #call} but returns {@code ok:false} responses instead of throwing (for expected failures). */
    public JsonNode attempt(String cmd, Object... namesAndValues) {
        return attempt(cmd, params(namesAndValues), callTimeout);
    }

    public JsonNode attempt(String cmd, ObjectNode params, Duration timeout) {
        if (params.has("id") || params.has("cmd")) {
            throw new IllegalArgumentException("\"id\" and \"cmd\" belong to the envelope; pass a peer id inside \"addr\"");
        }
        long id = nextId.getAndIncrement();
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("cmd", cmd);
        msg.setAll(params);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        String dead = deathReason;
        if (dead != null) {
            pending.remove(id);
            throw new IrohHarnessException(cmd + ": " + dead);
        }
        try {
            byte[] line = (MAPPER.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (stdin) {
                stdin.write(line);
                stdin.flush();
            }
        } catch (IOException e) {
            pending.remove(id);
            throw new IrohHarnessException(cmd + ": could not write to harness '" + name + "' ("
                    + (deathReason != null ? deathReason : e.getMessage()) + ")", e);
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(id);
            throw new IrohHarnessException("iroh " + version.release() + " harness '" + name + "': " + cmd + " got no response within "
                    + timeout + " (log " + logFile + ")");
        } catch (ExecutionException e) {
            throw new IrohHarnessException(cmd + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(id);
            throw new IrohHarnessException(cmd + ": interrupted", e);
        }
    }

    /** An object from alternating names and values (values: JsonNode, String, numbers, booleans, lists, maps). */
    public static ObjectNode params(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come in name/value pairs, got " + namesAndValues.length + " items");
        }
        ObjectNode p = MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String key)) {
                throw new IllegalArgumentException("parameter name at " + i + " is not a string: " + namesAndValues[i]);
            }
            Object v = namesAndValues[i + 1];
            p.set(key, v instanceof JsonNode j ? j : MAPPER.valueToTree(v));
        }
        return p;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events

    /**
     * Waits for the first queued or future event matching {@code match}, removes it from the queue and returns
     * it. Other events stay queued.
     */
    public JsonNode awaitEvent(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        eventLock.lock();
        try {
            for (;;) {
                for (Iterator<JsonNode> it = events.iterator(); it.hasNext(); ) {
                    JsonNode e = it.next();
                    if (match.test(e)) {
                        it.remove();
                        return e;
                    }
                }
                if (deathReason != null) {
                    throw new IrohHarnessException("awaiting an event from '" + name + "': " + deathReason + "; queued events: " + recentEvents());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IrohHarnessException("no matching event from '" + name + "' within " + timeout
                            + "; queued events: " + recentEvents());
                }
                eventArrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IrohHarnessException("interrupted while awaiting an event", e);
        } finally {
            eventLock.unlock();
        }
    }

    /** Waits for an event of type {@code event} (the {@code "event"} field) that also matches {@code match}. */
    public JsonNode awaitEvent(String event, Predicate<JsonNode> match, Duration timeout) {
        return awaitEvent(e -> event.equals(e.path("event").asText()) && match.test(e), timeout);
    }

    /** The queued events, oldest first (a copy). */
    public List<JsonNode> events() {
        eventLock.lock();
        try {
            return new ArrayList<>(events);
        } finally {
            eventLock.unlock();
        }
    }

    public void clearEvents() {
        eventLock.lock();
        try {
            events.clear();
        } finally {
            eventLock.unlock();
        }
    }

    private String recentEvents() {
        List<String> last = new ArrayList<>();
        Iterator<JsonNode> it = events.descendingIterator();
        while (it.hasNext() && last.size() < 8) {
            String s = it.next().toString();
            last.add(0, s.length() > 300 ? s.substring(0, 300) + "…" : s);
        }
        return (droppedEvents > 0 ? "(" + droppedEvents + " dropped) " : "") + (events.size() > last.size() ? "… " : "") + last;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Process plumbing

    private void readStdout() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                onLine(line);
            }
        } catch (IOException | UncheckedIOException e) {
            // The process went away; handled below.
        }
        String reason;
        try {
            if (process.waitFor(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                reason = "harness process exited with code " + process.exitValue();
            } else {
                reason = "harness closed its stdout but is still running";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "interrupted while reaping the harness";
        }
        JsonNode fatal = null;
        eventLock.lock();
        try {
            for (JsonNode e : events) {
                if ("error".equals(e.path("event").asText()) && e.path("fatal").asBoolean()) {
                    fatal = e;
                }
            }
        } finally {
            eventLock.unlock();
        }
        if (fatal != null) {
            reason += " after fatal error: " + fatal.path("error").asText();
        }
        die(reason + " (log " + logFile + ")");
    }

    private void onLine(String line) {
        JsonNode msg;
        try {
            msg = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            msg = MAPPER.createObjectNode().put("event", "unparsable-line").put("line", line);
        }
        if (msg.has("event")) {
            if ("ready".equals(msg.get("event").asText())) {
                ready.complete(msg);
                return;
            }
            if ("error".equals(msg.get("event").asText()) && msg.path("fatal").asBoolean() && !ready.isDone()) {
                ready.completeExceptionally(new IrohHarnessException("harness '" + name + "' failed to start: "
                        + msg.path("error").asText() + " (log " + logFile + ")"));
            }
            eventLock.lock();
            try {
                if (events.size() >= MAX_QUEUED_EVENTS) {
                    events.removeFirst();
                    droppedEvents++;
                }
                events.addLast(msg);
                eventArrived.signalAll();
            } finally {
                eventLock.unlock();
            }
            return;
        }
        CompletableFuture<JsonNode> f = msg.has("id") ? pending.remove(msg.get("id").asLong()) : null;
        if (f != null) {
            f.complete(msg);
        }
    }

    private void die(String reason) {
        deathReason = reason;
        ready.completeExceptionally(new IrohHarnessException("harness '" + name + "' did not start: " + reason + "\n" + logTail()));
        for (CompletableFuture<JsonNode> f : pending.values()) {
            f.completeExceptionally(new IrohHarnessException(reason));
        }
        pending.clear();
        eventLock.lock();
        try {
            eventArrived.signalAll();
        } finally {
            eventLock.unlock();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** Asks the harness to shut down, then kills it if it has not exited after a grace period. */
    @Override
    public void close() {
        if (readyEvent == null) {
            // Still starting (or failed to): it would not read a shutdown command yet.
            process.destroy();
        }
        if (process.isAlive()) {
            try {
                synchronized (stdin) {
                    stdin.write(("{\"id\":0,\"cmd\":\"shutdown\"}\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    stdin.close();
                }
            } catch (IOException ignored) {
                // Already gone or closing.
            }
            try {
                if (!process.waitFor(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    if (!process.waitFor(2, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(2, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            reader.join(SHUTDOWN_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deathReason == null) {
            die("harness '" + name + "' was closed");
        }
    }

    @Override
    public String toString() {
        return "IrohPeer[" + name + ", iroh " + version.release() + (readyEvent != null ? ", " + id().substring(0, 10) : "") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Locating node and the harness

    public static Path harnessDir() {
        String prop = System.getProperty(HARNESS_DIR_PROPERTY);
        Path inModule = Path.of("src", "test", "resources", "iroh-harness");
        // Without the property (a main class run by hand), accept the module or the repository root as cwd.
        Path dir = (prop != null ? Path.of(prop)
                : Files.isDirectory(inModule) ? inModule : Path.of("p2p-node").resolve(inModule)).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("harness.js"))) {
            throw new IrohHarnessException("iroh harness not found at " + dir + " (set -D" + HARNESS_DIR_PROPERTY + ")");
        }
        for (String pkg : List.of("iroh1", "iroh035")) {
            if (!Files.isRegularFile(dir.resolve("node_modules").resolve(pkg).resolve("package.json"))) {
                throw new IrohHarnessException("iroh harness dependencies are missing (" + dir.resolve("node_modules").resolve(pkg)
                        + "): run `npm ci` in " + dir + " (Maven does so in generate-test-resources unless -Dskip.npm=true)");
            }
        }
        return dir;
    }

    public static String nodeExecutable() {
        String override = System.getProperty(NODE_PROPERTY);
        if (override != null) {
            return override;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                for (String exe : List.of("node", "node.exe")) {
                    Path p = Path.of(d.isEmpty() ? "." : d, exe);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return p.toString();
                    }
                }
            }
        }
        throw new IrohHarnessException("Node.js (node >= 20) is not on PATH; the iroh interop tests need it to run real iroh"
                + " (or set -D" + NODE_PROPERTY + "=/path/to/node)");
    }

    /** {@code <module>/target/iroh-harness-logs}, the module being the one holding the harness. */
    private static Path logDir(Path harnessDir) {
        String prop = System.getProperty(LOG_DIR_PROPERTY);
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        Path module = harnessDir.getParent().getParent().getParent().getParent();
        return module.resolve("target").resolve("iroh-harness-logs");
    }
}
