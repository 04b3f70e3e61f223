package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI's class-data-sharing archive, on a copy of the packaged {@code -cli} jar and {@code bin/p2p-node} in a
 * temporary home: {@link CdsArchive} makes it (as {@code mvn package} does), the launcher uses it, and the launcher
 * never breaks when it is stale or damaged: a truncated archive (which crashes a JDK 17 that is told to map it),
 * a rebuilt jar, a damaged or missing stamp. In every case {@code id} exits 0 and prints exactly one id line on
 * stdout, nothing from the JVM.
 */
@Timeout(600)
class CdsArchiveIT {
    private Path home;
    private Path jar;
    private Path jsa;
    private Path stamp;

    @BeforeEach
    void copyTheCli() throws IOException {
        home = Files.createTempDirectory("p2p-node-cds-it");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("target"));
        Path shipped = DemoScriptIT.home();
        Files.copy(shipped.resolve("bin/p2p-node"), home.resolve("bin/p2p-node"), StandardCopyOption.COPY_ATTRIBUTES);
        try (Stream<Path> s = Files.list(shipped.resolve("target"))) {
            Path cli = s.filter(p -> p.getFileName().toString().matches("p2p-node-.*-cli\\.jar")).findFirst().orElseThrow();
            jar = home.resolve("target").resolve(cli.getFileName());
            Files.copy(cli, jar);
        }
        jsa = home.resolve("target").resolve(jar.getFileName().toString().replace(".jar", ".jsa"));
        stamp = jsa.resolveSibling(jsa.getFileName() + ".stamp");
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(home)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void buildTimeArchiveIsUsedAndAnythingStaleOrDamagedIsIgnored() throws Exception {
        Run made = run(List.of(java(), "-cp", jar.toString(), CdsArchive.class.getName(), jar.toString(), jsa.toString()), Map.of());
        assertEquals(0, made.exit, made.toString());
        assertTrue(made.out.contains("CDS archive for the CLI: " + jsa), made.toString());
        assertTrue(Files.size(jsa) > 1 << 20 && Files.exists(stamp), made.toString());
        try (Stream<Path> s = Files.list(jsa.getParent())) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".tmp")).toList(), "no temporary files left");
        }

        assertTrue(cleanId("archive in use").contains("shared objects file (top)"), "classes come from the archive");

        byte[] whole = Files.readAllBytes(jsa);
        assertTrue(jsa.toFile().setWritable(true), "the JVM writes the archive read-only");
        truncate(jsa, whole.length / 3);
        assertFalse(cleanId("truncated archive").contains("(top)"));
        Files.write(jsa, whole);
        assertTrue(cleanId("restored archive").contains("(top)"), "same bytes, stamp matches again");

        FileTime built = Files.getLastModifiedTime(jar);
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        assertFalse(cleanId("jar rebuilt after the archive").contains("(top)"));
        Files.setLastModifiedTime(jar, built);

        String good = Files.readString(stamp);
        Files.writeString(stamp, good.replace("java=", "java=/elsewhere"));
        assertFalse(cleanId("archive made by another java").contains("(top)"));
        Files.writeString(stamp, "garbage");
        assertFalse(cleanId("damaged stamp").contains("(top)"));
        Files.delete(stamp);
        assertFalse(cleanId("no stamp").contains("(top)"));
        Files.writeString(stamp, good);
        Files.delete(jsa);
        assertFalse(cleanId("no archive").contains("(top)"));
    }

    @Test
    void aFailedTrainingLeavesNoArchiveAndDoesNotFailTheBuild() throws Exception {
        // A class path without the CLI's classes: the training run cannot start.
        Path empty = Files.createTempFile(home, "empty", ".jar");
        Run made = run(List.of(java(), "-cp", jar.toString(), CdsArchive.class.getName(), empty.toString(), jsa.toString()), Map.of());
        assertEquals(0, made.exit, made.toString());
        assertTrue(made.out.startsWith("no CDS archive for the CLI (it starts without one): training run exited 1"), made.toString());
        assertFalse(Files.exists(jsa) || Files.exists(stamp), made.toString());
        try (Stream<Path> s = Files.list(jsa.getParent())) {
            assertEquals(List.of(), s.filter(p -> p.getFileName().toString().contains(".tmp")).toList(), "no temporary files left");
        }
        assertFalse(cleanId("never made").contains("(top)"));
    }

    /** {@code bin/p2p-node id} with class loading logged to a file; asserts a clean run, returns the log. */
    private String cleanId(String situation) throws Exception {
        Path log = home.resolve("classes.log");
        Files.deleteIfExists(log);
        Run r = run(List.of(home.resolve("bin/p2p-node").toString(), "id"),
                Map.of("P2P_NODE_JAVA_OPTS", "-Xlog:class+load=info:file=" + log));
        assertEquals(0, r.exit, situation + ": " + r);
        assertTrue(r.out.matches("[0-9a-f]{64}\n"), situation + ": stdout is the id alone: " + r);
        assertFalse(r.err.contains("[warning]") || r.err.contains("fatal error"), situation + ": " + r);
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private record Run(int exit, String out, String err) {}

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("IROH_SECRET");
        pb.environment().remove("P2P_NODE_JAVA_OPTS");
        pb.environment().putAll(env);
        // the launcher picks `java` from PATH: the one that runs this test, as CdsArchive records
        pb.environment().put("JAVA", java());
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "finished in time: " + command);
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
