package com.kafkaconnectiroh.p2p.endpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving half of a stream. Reads block until data, the end of the stream (FIN) or a reset arrives. Data
 * not yet read stays inside QUIC's receive window, so a slow reader slows the sender rather than growing memory.
 *
 * <p>{@link #close()} on a stream not read to its end sends STOP_SENDING with code 0, as iroh does when a
 * {@code RecvStream} is dropped. One reader at a time per stream.
 */
public final class RecvStream implements AutoCloseable {
    private final StreamState state;
    private final Driver driver;
    private volatile boolean ended;
    private InputStream in;

    RecvStream(StreamState state) {
        this.state = state;
        this.driver = state.conn.driver;
    }

    /** The QUIC stream id. */
    public long id() {
        return state.id;
    }

    public Connection connection() {
        return state.conn;
    }

    /**
     * Reads into {@code dst}, blocking until at least one byte arrives; returns the count, or -1 at the end of the
     * stream. Waits at most the endpoint's operation timeout.
     *
     * @throws StreamResetException   the peer reset the stream
     * @throws ConnectionLostException the connection ended before the data
     */
    public int read(ByteBuffer dst) throws IOException {
        return read(dst, driver.endpoint.operationTimeout());
    }

    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        StreamState.PendingRead r = new StreamState.PendingRead(dst);
        if (!driver.submit(() -> state.startRead(r))) {
            throw driver.closedException();
        }
        int n = Waits.await(driver, r.result, Waits.nanos(timeout), "read on stream " + state.id, () -> {
            if (state.read == r) {
                state.read = null;
            }
        });
        if (n < 0) {
            ended = true;
        }
        return n;
    }

    /** Like {@link #read(ByteBuffer)} into {@code b[off, off+len)}. */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /** A read that does not block the caller; the caller must not touch {@code dst} until it completes. */
    public CompletableFuture<Integer> readAsync(ByteBuffer dst) {
        StreamState.PendingRead r = new StreamState.PendingRead(dst);
        if (!driver.submit(() -> state.startRead(r))) {
            r.result.completeExceptionally(driver.closedException());
        }
        return r.result;
    }

    /** Fills {@code b} completely; {@link EOFException} if the stream ends first. */
    public void readExact(byte[] b) throws IOException {
        ByteBuffer dst = ByteBuffer.wrap(b);
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new EOFException("stream " + state.id + " ended after " + dst.position() + " of " + b.length
                        + " bytes");
            }
        }
    }

    /** Reads exactly {@code n} bytes. */
    public byte[] readExact(int n) throws IOException {
        byte[] b = new byte[n];
        readExact(b);
        return b;
    }

    /**
     * Reads until the end of the stream; fails if no bytes arrive for the operation timeout. If more than
     * {@code limit} bytes arrive, stops the stream (STOP_SENDING 0) and throws {@link StreamTooLongException}.
     * The bytes are gathered on the endpoint's loop, so the caller wakes once.
     */
    public byte[] readToEnd(int limit) throws IOException {
        return readToEnd(limit, driver.endpoint.operationTimeout());
    }

    /** Like {@link #readToEnd(int)}; {@code timeout} is how long it may go without receiving anything. */
    public byte[] readToEnd(int limit, Duration timeout) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (ended) {
            return new byte[0];
        }
        StreamState.PendingRead r = new StreamState.PendingRead(limit);
        if (!driver.submit(() -> state.startRead(r))) {
            throw driver.closedException();
        }
        byte[] all = Waits.awaitWithProgress(driver, r.whole, Waits.nanos(timeout), "readToEnd on stream " + state.id,
                () -> {
                    if (state.read == r) {
                        state.read = null;
                    }
                }, () -> r.progress);
        ended = true;
        return all;
    }

    /** {@link #readToEnd(int)} without blocking the caller. */
    public CompletableFuture<byte[]> readToEndAsync(int limit) {
        return readToEndAsync(limit, 0);
    }

    /**
     * {@link #readToEndAsync(int)}, stopping the stream with {@code tooLongCode} (an application error code) if
     * more than {@code limit} bytes arrive.
     */
    public CompletableFuture<byte[]> readToEndAsync(int limit, long tooLongCode) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        Connection.checkErrorCode(tooLongCode);
        StreamState.PendingRead r = new StreamState.PendingRead(limit);
        r.tooLongCode = tooLongCode;
        if (!driver.submit(() -> state.startRead(r))) {
            r.whole.completeExceptionally(driver.closedException());
        }
        return r.whole;
    }

    /** Asks the peer to stop sending (STOP_SENDING with {@code code}); unread data is discarded. */
    public void stop(long code) {
        Connection.checkErrorCode(code);
        driver.submit(() -> state.stop(code));
    }

    /** An {@link InputStream} over {@link #read}; closing it closes this stream. */
    public synchronized InputStream inputStream() {
        if (in == null) {
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = RecvStream.this.read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (len == 0) {
                        return 0;
                    }
                    return RecvStream.this.read(b, off, len);
                }

                @Override
                public void close() {
                    RecvStream.this.close();
                }
            };
        }
        return in;
    }

    /** Sends STOP_SENDING(0) unless the stream was read to its end (or reset). */
    @Override
    public void close() {
        if (!ended) {
            stop(0);
        }
    }

    @Override
    public String toString() {
        return "RecvStream[" + state.id + "]";
    }
}
