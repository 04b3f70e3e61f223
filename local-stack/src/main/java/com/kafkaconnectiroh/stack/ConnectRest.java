package com.kafkaconnectiroh.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The Kafka Connect REST API, the calls we use, JSON in and out. */
public final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRest(String baseUrl) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String url() {
        return base;
    }

    /** An HTTP answer: status and parsed body (null if empty or not JSON). */
    public record Response(int status, JsonNode body, String text) {
        public boolean ok() {
            return status / 100 == 2;
        }

        public Response orThrow(String what) throws IOException {
            if (!ok()) {
                throw new IOException(what + ": HTTP " + status + " " + text);
            }
            return this;
        }
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response put(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response post(String path, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(p));
    }

    public Response patch(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Creates or updates a connector ({@code PUT /connectors/{name}/config}). */
    public Response putConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        return put("/connectors/" + enc(name) + "/config", config);
    }

    public Response status(String name) throws IOException, InterruptedException {
        return get("/connectors/" + enc(name) + "/status");
    }

    /** {@code PUT /connector-plugins/{plugin}/config/validate}. */
    public Response validate(String pluginClass, Map<String, String> config) throws IOException, InterruptedException {
        return put("/connector-plugins/" + enc(pluginClass) + "/config/validate", config);
    }

    /**
     * Waits until the connector and {@code tasks} tasks are RUNNING.
     *
     * @throws IOException a task FAILED (with its trace) or the time ran out (with the last status)
     */
    public JsonNode awaitRunning(String name, int tasks, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = status(name);
            if (last.ok() && last.body() != null) {
                JsonNode st = last.body();
                String connectorState = st.path("connector").path("state").asText();
                int running = 0;
                for (JsonNode t : st.path("tasks")) {
                    String state = t.path("state").asText();
                    if ("FAILED".equals(state)) {
                        throw new IOException("task " + t.path("id").asText() + " of " + name + " FAILED: "
                                + t.path("trace").asText());
                    }
                    if ("RUNNING".equals(state)) {
                        running++;
                    }
                }
                if ("FAILED".equals(connectorState)) {
                    throw new IOException("connector " + name + " FAILED: " + st.path("connector").path("trace").asText());
                }
                if ("RUNNING".equals(connectorState) && running == tasks && st.path("tasks").size() == tasks) {
                    return st;
                }
            }
            Thread.sleep(250);
        }
        throw new IOException("connector " + name + " not RUNNING with " + tasks + " task(s) within "
                + timeout.toSeconds() + " s; last status: " + (last == null ? "none" : last.text()));
    }

    private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = null;
        String text = r.body();
        if (text != null && !text.isBlank()) {
            try {
                body = JSON.readTree(text);
            } catch (IOException e) {
                body = null;
            }
        }
        return new Response(r.statusCode(), body, text);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Reads a connector config JSON file as the REST API takes it: string values; {@code _comment…} keys dropped. */
    public static Map<String, String> readConnectorConfig(java.nio.file.Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode config = root.has("config") ? root.get("config") : root;
        Map<String, String> out = new java.util.LinkedHashMap<>();
        config.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("_comment")) {
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        });
        return out;
    }

    /** The {@code name} of a connector JSON file ({@code {"name": …, "config": {…}}}). */
    public static String readConnectorName(java.nio.file.Path file) throws IOException {
        return JSON.readTree(file.toFile()).path("name").asText(null);
    }
}
