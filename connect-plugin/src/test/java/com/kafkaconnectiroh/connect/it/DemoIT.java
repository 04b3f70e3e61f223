package com.kafkaconnectiroh.connect.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a newcomer runs it ({@code bin/demo}), in its short self-checking mode: every flow
 * it reports was counted in Kafka and at the peers by the demo itself, which exits 1 on the first that fails.
 */
@Tag("kafka-it")
class DemoIT {
    @Test
    void theReadmesFirstCommandRunsEveryFlowAndCleansUp() throws Exception {
        Path repo = Path.of(System.getProperty("repo.root")).toAbsolutePath().normalize();
        Process p = new ProcessBuilder(repo.resolve("bin/demo").toString(), "--quick").directory(repo.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        for (String flow : new String[] {"✓ gossip → Kafka: 20/20", "✓ Kafka → gossip: 20/20",
                "✓ Kafka → gossip, large value", "✓ gossip → Kafka, large value", "✓ real iroh 0.35", "✓ document → Kafka: 3/3",
                "✓ Kafka → document: 20/20", "7 flows checked, all ok"}) {
            assertTrue(out.contains(flow), "missing '" + flow + "' in:\n" + out);
        }
        // It cleaned up: no Kafka, worker or peer process of the demo is left.
        assertTrue(ProcessHandle.allProcesses().noneMatch(h -> h.info().commandLine().orElse("")
                .contains(repo.resolve("target/demo").toString())), "a demo process is still running");
    }
}
