package com.kafkaconnectiroh.p2p.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of raw bytes from a stream, each at most {@code max} bytes, read through a fixed buffer: a longer line
 * is refused as soon as its {@code max + 1}-th byte arrives, without reading (or holding) the rest of it, so
 * {@code gossip publish} stays within a few KiB whatever comes in on stdin (a 3 GiB line, {@code /dev/zero}).
 *
 * <p>A line ends at {@code \n}; a {@code \r} right before it is dropped too (files from Windows). The bytes are
 * not decoded: invalid UTF-8 and NUL bytes pass through unchanged. A last line without {@code \n} counts;
 * empty lines are empty messages.
 */
final class StdinLines {
    /** A line passed the limit; the stream stays positioned inside it. */
    static final class TooLongException extends IOException {
        final long lineNumber;

        TooLongException(long lineNumber, int max) {
            super("line " + lineNumber + " of stdin is longer than the maximum of " + max
                    + " bytes (stopped reading it at byte " + (max + 1) + ")");
            this.lineNumber = lineNumber;
        }
    }

    private final InputStream in;
    private final int max;
    /** One line: up to max bytes, plus one for a '\r' that may turn out to precede '\n'. */
    private final byte[] line;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPos;
    private int chunkEnd;
    private long lines;
    private boolean eof;

    StdinLines(InputStream in, int max) {
        this.in = in;
        this.max = max;
        this.line = new byte[max + 1];
    }

    /** The next line without its terminator, or null at the end of the stream. */
    byte[] next() throws IOException {
        if (eof) {
            return null;
        }
        int n = 0;
        while (true) {
            if (chunkPos == chunkEnd) {
                int r = in.read(chunk);
                if (r < 0) {
                    eof = true;
                    if (n == 0) {
                        return null;
                    }
                    lines++;
                    if (n > max) {
                        throw new TooLongException(lines, max); // max bytes and a '\r' that no '\n' followed
                    }
                    return Arrays.copyOf(line, n);
                }
                chunkPos = 0;
                chunkEnd = r;
            }
            byte b = chunk[chunkPos++];
            if (b == '\n') {
                lines++;
                int len = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                return Arrays.copyOf(line, len);
            }
            if (n > max || (n == max && b != '\r')) {
                throw new TooLongException(lines + 1, max);
            }
            line[n++] = b;
        }
    }
}
