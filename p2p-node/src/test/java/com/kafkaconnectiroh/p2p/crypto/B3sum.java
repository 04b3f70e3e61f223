package com.kafkaconnectiroh.p2p.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Rust reference {@code b3sum} (installed by .ci/run) on a file; the oracle for BLAKE3 tests. */
public final class B3sum {
    private B3sum() {}

    /** Hex output of {@code b3sum --no-names --length outLen [extra...] file}, with {@code stdin} fed to it. */
    public static String run(Path file, int outLen, byte[] stdin, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("b3sum", "--no-names", "--length", Integer.toString(outLen)));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream s = p.getInputStream()) {
            s.transferTo(out);
        }
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("b3sum " + cmd + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return out.toString(StandardCharsets.US_ASCII).trim();
    }

    /** Hex 32-byte hash of {@code data} by b3sum. */
    public static String hash(byte[] data) throws IOException {
        Path f = Files.createTempFile("b3sum", ".bin");
        try {
            Files.write(f, data);
            return run(f, 32, null);
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
