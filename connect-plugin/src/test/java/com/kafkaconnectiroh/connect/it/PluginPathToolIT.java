package com.kafkaconnectiroh.connect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.stack.PluginInstaller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The zip as Kafka's own tooling sees it: {@code connect-plugin-path list} (the tool behind
 * {@code bin/connect-plugin-path.sh}, from the distribution's jars) finds both connectors loadable, with the
 * ServiceLoader manifests that {@code plugin.discovery=service_load} needs; and the zip has the Confluent Hub layout
 * with nothing of the worker's own (Kafka, slf4j, Jackson, an unrelocated Netty) inside.
 */
class PluginPathToolIT {
    @Test
    void kafkasPluginPathToolListsBothConnectorsAsLoadableWithManifests() throws Exception {
        Path pluginPath = Files.createTempDirectory("plugin-path");
        PluginInstaller.install(Path.of(System.getProperty("plugin.zip")), pluginPath);
        Path libs = Path.of(System.getProperty("kafka.libs")).toAbsolutePath();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", libs + "/*", "org.apache.kafka.tools.ConnectPluginPath", "list", "--plugin-path",
                pluginPath.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        Map<String, String[]> rows = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 8) {
                rows.put(f[0], f);
            }
        }
        for (String cls : List.of(ItStack.SOURCE_CLASS, ItStack.SINK_CLASS)) {
            String[] row = rows.get(cls);
            assertTrue(row != null, cls + " not listed:\n" + out);
            assertEquals("true", row[5], "isLoadable " + cls);
            assertEquals("true", row[6], "hasManifest " + cls);
            assertEquals("0.1.0-SNAPSHOT", row[3]);
        }
    }

    @Test
    void theZipHasTheHubLayoutAndBundlesNothingOfTheWorkers() throws Exception {
        try (ZipFile zip = new ZipFile(System.getProperty("plugin.zip"))) {
            List<String> names = zip.stream().map(e -> e.getName()).toList();
            String top = "kafka-connect-iroh-0.1.0-SNAPSHOT/";
            assertTrue(names.stream().allMatch(n -> n.startsWith(top)), "one top-level directory: " + names);
            for (String needed : List.of("manifest.json", "lib/", "etc/", "doc/", "etc/source-gossip.json",
                    "etc/sink-gossip.json", "doc/connectors.md", "doc/envelope.md", "doc/config-reference.md")) {
                assertTrue(names.contains(top + needed), needed + " missing: " + names);
            }
            List<String> libs = names.stream().filter(n -> n.startsWith(top + "lib/") && n.endsWith(".jar")).toList();
            for (String lib : libs) {
                String jar = lib.substring(lib.lastIndexOf('/') + 1);
                for (String forbidden : List.of("kafka-clients", "kafka_2", "connect-api", "connect-runtime", "connect-json", "slf4j", "jackson", "netty", "picocli")) {
                    assertTrue(!jar.startsWith(forbidden), jar + " must not be bundled");
                }
            }
            Path jar = Files.createTempFile("plugin", ".jar");
            Files.copy(zip.getInputStream(zip.getEntry(top + "lib/kafka-connect-iroh-0.1.0-SNAPSHOT.jar")), jar,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (ZipFile inner = new ZipFile(jar.toFile())) {
                List<String> classes = inner.stream().map(e -> e.getName()).toList();
                assertTrue(classes.stream().noneMatch(n -> n.startsWith("io/netty/")), "Netty is relocated");
                assertTrue(classes.stream().noneMatch(n -> n.startsWith("com/fasterxml/") || n.startsWith("picocli/")
                        || n.startsWith("org/apache/kafka/") || n.startsWith("org/slf4j/")));
                assertTrue(classes.contains("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
                assertTrue(classes.contains("META-INF/services/org.apache.kafka.connect.sink.SinkConnector"));
                assertTrue(classes.stream().anyMatch(n -> n.startsWith("META-INF/native/libcom_kafkaconnectiroh_shaded_netty_transport_native_epoll")));
            }
        }
    }
}
