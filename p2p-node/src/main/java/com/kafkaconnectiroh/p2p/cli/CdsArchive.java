package com.kafkaconnectiroh.p2p.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the CLI's class-data-sharing archive at build time ({@code mvn package}): a dynamic AppCDS archive
 * (JDK 13+, {@code -XX:ArchiveClassesAtExit}) of what {@link CdsTraining} loads, beside the jar as
 * {@code <jar minus .jar>.jsa}, and a stamp file {@code .jsa.stamp} that {@code bin/p2p-node} compares before it
 * passes {@code -XX:SharedArchiveFile}. The archive holds the pre-parsed classes and lambda forms of the commands
 * (about a third of a cold command's start-up CPU here), so a fresh {@code blob get} or {@code gossip publish}
 * starts sooner.
 *
 * <p>Never breaks the CLI: the archive is written under a temporary name, checked by a JVM that must map it
 * ({@code -Xshare:on}), then renamed; the stamp (archive size, jar size and time, the {@code java} binary and its
 * time) is written last. The launcher uses the archive only when the stamp matches exactly what it sees, because
 * JDK 17 crashes (SIGBUS) on a truncated archive instead of ignoring it; a jar rebuilt since, another JDK, or a
 * missing file all mean "start without it". Any failure here prints one line and leaves no archive; the build
 * goes on.
 *
 * <p>Arguments: {@code <cli jar> <archive>}.
 */
public final class CdsArchive {
    private static final long TRAINING_MINUTES = 5;

    private CdsArchive() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path archive = Path.of(args[1]).toAbsolutePath();
        Path stamp = stampOf(archive);
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(stamp);
        Files.deleteIfExists(archive);
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath();
            run(List.of(java.toString(), "-XX:ArchiveClassesAtExit=" + tmp, "-Xlog:disable", "-Xlog:all=error:stderr",
                    "--add-modules", "jdk.incubator.vector", "-cp", jar.toString(), CdsTraining.class.getName()), "training run");
            // -Xshare:on refuses to start unless the archive maps: the check the launcher cannot afford per run.
            run(List.of(java.toString(), "-Xshare:on", "-XX:SharedArchiveFile=" + tmp, "-Xlog:disable", "-Xlog:all=error:stderr",
                    "--add-modules", "jdk.incubator.vector", "-jar", jar.toString(), "--version"), "check");
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            Path stampTmp = stamp.resolveSibling(stamp.getFileName() + ".tmp");
            Files.writeString(stampTmp, stampLine(archive, jar, java), StandardCharsets.US_ASCII);
            Files.move(stampTmp, stamp, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("CDS archive for the CLI: " + archive + " (" + Files.size(archive) / (1 << 20) + " MiB)");
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(archive);
            Files.deleteIfExists(stamp);
            System.out.println("no CDS archive for the CLI (it starts without one): " + e.getMessage());
        }
    }

    static Path stampOf(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".stamp");
    }

    /**
     * What {@code bin/p2p-node} recomputes with {@code stat}: {@code size=<archive bytes> jar=<bytes>:<mtime s>
     * java=<real path>:<mtime s>}.
     */
    static String stampLine(Path archive, Path jar, Path java) throws IOException {
        return "size=" + Files.size(archive) + " jar=" + Files.size(jar) + ":" + mtime(jar) + " java=" + java + ":" + mtime(java);
    }

    private static long mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p).to(TimeUnit.SECONDS);
    }

    private static void run(List<String> cmd, String what) throws IOException {
        Path log = Files.createTempFile("p2p-node-cds", ".log");
        String output;
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(TRAINING_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(what + " did not end within " + TRAINING_MINUTES + " minutes");
            }
            output = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new IOException(what + " exited " + p.exitValue()
                        + (output.isEmpty() ? "" : ": " + output.lines().reduce((a, b) -> b).orElse("")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
