package com.kafkaconnectiroh.connect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml without a Docker engine: Compose itself validates it ({@code docker-compose config}, Debian's
 * package; .ci/run installs it), and every host path it mounts exists once {@code mvn package} ran.
 */
class ComposeFileIT {
    @Test
    void theComposeFileIsValidAndEveryMountedPathExists() throws Exception {
        Path root = Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();
        Process p;
        try {
            p = new ProcessBuilder("docker-compose", "-f", root.resolve("docker-compose.yml").toString(), "config")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed (apt-get install docker-compose; .ci/run does)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        // Normalized output lists bind mounts as "source: /abs/path" (long syntax) or "- /abs/path:/target:ro".
        List<Path> sources = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*(?:source: |- )(/[^:\\s]+)(?::|$)").matcher(out);
        while (m.find()) {
            if (m.group(1).startsWith(root.toString())) {
                sources.add(Path.of(m.group(1)));
            }
        }
        assertTrue(sources.size() >= 5, "bind mounts found: " + sources + "\n" + out);
        for (Path s : sources) {
            assertTrue(Files.exists(s), "docker-compose.yml mounts " + s + ", which does not exist after mvn package");
        }
        Path pluginDir = root.resolve("connect-plugin/target/plugin-path");
        try (var dirs = Files.list(pluginDir)) {
            Path plugin = dirs.findFirst().orElseThrow();
            assertTrue(Files.exists(plugin.resolve("manifest.json")) && Files.isDirectory(plugin.resolve("lib")), plugin.toString());
        }
    }
}
