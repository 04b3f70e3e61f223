package com.kafkaconnectiroh.p2p.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The commands' stdout as picocli hands it to them ({@code spec.commandLine().getOut()}), with the byte stream
 * beneath it, so {@code doc get} can print content as it is: text goes through the writer, raw bytes after
 * flushing it. {@link Main} installs it over the process's stdout; tests over a buffer.
 */
final class StdoutWriter extends PrintWriter {
    private final OutputStream bytes;

    /** Text through {@code text} (flushed at each line, as picocli's own writer), raw bytes to {@code bytes}. */
    StdoutWriter(PrintWriter text, OutputStream bytes) {
        super(text, true);
        this.bytes = bytes;
    }

    /** A UTF-8 writer over {@code bytes}. */
    static StdoutWriter over(OutputStream bytes) {
        return new StdoutWriter(new PrintWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), true), bytes);
    }

    /**
     * Writes {@code content} unchanged after what was printed before. A writer without a byte stream beneath
     * (an embedder's {@link Main#run(PrintWriter, PrintWriter, String...)}) gets it decoded as UTF-8.
     */
    static void writeRaw(PrintWriter out, byte[] content) throws IOException {
        out.flush();
        if (out instanceof StdoutWriter s) {
            s.bytes.write(content);
            s.bytes.flush();
        } else {
            out.write(new String(content, StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
