package com.kafkaconnectiroh.p2p.quic;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** Deterministic stream contents and apps that write and verify them through the sans-IO API. */
final class Patterns {
    private Patterns() {
    }

    /** The byte at {@code offset} of stream {@code stream}'s pattern. */
    static byte at(long stream, long offset) {
        long x = offset * 0x9E3779B97F4A7C15L + stream * 0xC2B2AE3D27D4EB4FL;
        return (byte) (x >>> 56 ^ offset);
    }

    /** Writes {@code total} pattern bytes to a stream as fast as the connection takes them, then FIN. */
    static final class Writer implements Consumer<Sim> {
        final QuicConnection conn;
        final long id;
        final long total;
        final long patternId;
        long written;
        boolean finished;
        StreamException error;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).limit(0);

        Writer(QuicConnection conn, long id, long total) {
            this(conn, id, total, id);
        }

        Writer(QuicConnection conn, long id, long total, long patternId) {
            this.conn = conn;
            this.id = id;
            this.total = total;
            this.patternId = patternId;
        }

        @Override
        public void accept(Sim sim) {
            if (conn.isClosed() || error != null) {
                return;
            }
            while (written < total) {
                if (!buf.hasRemaining()) {
                    int chunk = (int) Math.min(buf.capacity(), total - written);
                    buf.clear();
                    for (int i = 0; i < chunk; i++) {
                        buf.put(at(patternId, written + i));
                    }
                    buf.flip();

                }
                int want = buf.remaining();
                int n;
                try {
                    n = conn.write(id, buf);
                } catch (StreamException e) {
                    error = e;
                    return;
                }
                written += n;
                if (n < want) {
                    return;
                }
            }
            if (!finished) {
                try {
                    conn.finish(id);
                } catch (StreamException e) {
                    error = e;
                }
                finished = true;
            }
        }


    }

    /** Reads a stream to its end, checking every byte against the pattern. */
    static final class Reader implements Consumer<Sim> {
        final QuicConnection conn;
        final long id;
        final long patternId;
        long received;
        boolean fin;
        String error;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

        Reader(QuicConnection conn, long id) {
            this(conn, id, id);
        }

        Reader(QuicConnection conn, long id, long patternId) {
            this.conn = conn;
            this.id = id;
            this.patternId = patternId;
        }

        @Override
        public void accept(Sim sim) {
            while (!fin && error == null) {
                buf.clear();
                int n;
                try {
                    n = conn.read(id, buf);
                } catch (StreamException e) {
                    error = e.getMessage();
                    return;
                }
                if (n == -1) {
                    fin = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
                buf.flip();
                for (int i = 0; i < n; i++) {
                    byte b = buf.get();
                    if (b != at(patternId, received + i) && error == null) {
                        error = "stream " + id + " byte " + (received + i) + " is " + b + ", expected "
                                + at(patternId, received + i);
                    }
                }
                received += n;
            }
        }
    }
}
