package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The sending half of a stream. Writes block while QUIC's send buffers are full, which happens when the peer
 * reads slower than we write (flow control) or the path is slower than we write (congestion control): this is
 * the backpressure, and memory stays bounded by the transport's send buffer sizes.
 *
 * <p>Bytes are copied into the stream's send buffer on the endpoint's event loop while the caller waits; the
 * caller's buffer is not touched after the call returns (also on timeout). One writer at a time per stream.
 *
 * <p>{@link #close()} finishes the stream (iroh drops a {@code SendStream} the same way); {@link #reset} abandons
 * it instead.
 */
public final class SendStream implements AutoCloseable {
    private final StreamState state;
    private final Driver driver;
    private OutputStream out;

    SendStream(StreamState state) {
        this.state = state;
        this.driver = state.conn.driver;
    }

    /** The QUIC stream id. */
    public long id() {
        return state.id;
    }

    /** The connection this stream belongs to. */
    public Connection connection() {
        return state.conn;
    }

    /**
     * Writes some of {@code src} (advancing its position), blocking until at least one byte is taken; returns the
     * count. Waits at most the endpoint's operation timeout.
     *
     * @throws StreamResetException   the peer stopped the stream (STOP_SENDING)
     * @throws ConnectionLostException the connection ended
     */
    public int write(ByteBuffer src) throws IOException {
        if (!src.hasRemaining()) {
            return 0;
        }
        return submit(src, false, driver.endpoint.operationTimeout());
    }

    /**
     * Writes all of {@code src}, blocking while the send buffers are full; fails with a
     * {@link java.net.SocketTimeoutException} if the stream takes nothing for the operation timeout.
     */
    public void writeAll(ByteBuffer src) throws IOException {
        writeAll(src, driver.endpoint.operationTimeout());
    }

    /** Writes all of {@code src}; fails if the stream takes nothing for {@code timeout}. */
    public void writeAll(ByteBuffer src, Duration timeout) throws IOException {
        if (src.hasRemaining()) {
            submit(src, true, timeout);
        }
    }

    /** Writes all of {@code b}. */
    public void writeAll(byte[] b) throws IOException {
        writeAll(ByteBuffer.wrap(b));
    }

    /** Writes all of {@code b[off, off+len)}. */
    public void writeAll(byte[] b, int off, int len) throws IOException {
        writeAll(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Writes all of {@code src} without blocking the caller; the future completes when the bytes are in the send
     * buffer. The caller must not touch {@code src} until then.
     */
    public CompletableFuture<Void> writeAllAsync(ByteBuffer src) {
        StreamState.PendingWrite w = new StreamState.PendingWrite(src, true);
        if (!driver.submit(() -> state.startWrite(w))) {
            w.result.completeExceptionally(driver.closedException());
        }
        return w.result.thenApply(n -> null);
    }

    private int submit(ByteBuffer src, boolean all, Duration timeout) throws IOException {
        StreamState.PendingWrite w = new StreamState.PendingWrite(src, all);
        if (!driver.submit(() -> state.startWrite(w))) {
            throw driver.closedException();
        }
        return Waits.awaitWithProgress(driver, w.result, Waits.nanos(timeout), "write on stream " + state.id, () -> {
            if (state.write == w) {
                state.write = null;
            }
        }, () -> w.written);
    }

    /** No more data: a FIN follows what was written. Does not wait for the peer; see {@link #stopped()}. */
    public void finish() {
        driver.submit(state::finish);
    }

    /** Abandons the stream: RESET_STREAM with {@code code}; unsent data is dropped. */
    public void reset(long code) {
        Connection.checkErrorCode(code);
        driver.submit(() -> state.reset(code));
    }

    /**
     * Completes with the peer's STOP_SENDING code, or with empty once the peer acknowledged all data and the FIN.
     * Fails if the connection is lost first or we reset the stream.
     */
    public CompletableFuture<OptionalLong> stopped() {
        return state.stopped;
    }

    /**
     * Completes with the stream's acknowledged offset once the peer's QUIC stack acknowledged every byte below
     * {@code offset} (stream offsets count every byte written to this stream, from 0): the packets carrying them
     * were acknowledged, so the peer has them, whether or not its application has read them yet. If the sending
     * half ends first (the peer's STOP_SENDING, our {@link #reset}, the connection closed or lost) it completes
     * with the offset acknowledged by then, which is below {@code offset}: nothing beyond it was acknowledged, and
     * nothing more will be. Acknowledgements that arrived with the peer's CONNECTION_CLOSE count. Fails only with
     * {@link EndpointClosedException} when the endpoint was closed before the call.
     *
     * <p>One waiter at a time per stream (a second call while one waits fails with
     * {@link IllegalStateException}); it costs one event when the offset is reached, not one per packet, so asking
     * again for the next offset each time one completes tracks a stream cheaply. Completes on the endpoint's event
     * loop: do not block in dependent actions.
     */
    public CompletableFuture<Long> acked(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (!driver.submit(() -> state.awaitAcked(offset, f))) {
            f.completeExceptionally(new EndpointClosedException("endpoint closed"));
        }
        return f;
    }

    /** An {@link OutputStream} over {@link #writeAll}; closing it finishes the stream. */
    public synchronized OutputStream outputStream() {
        if (out == null) {
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    writeAll(new byte[] {(byte) b});
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writeAll(b, off, len);
                }

                @Override
                public void close() {
                    SendStream.this.close();
                }
            };
        }
        return out;
    }

    /** Finishes the stream (unless it was reset). */
    @Override
    public void close() {
        finish();
    }

    @Override
    public String toString() {
        return "SendStream[" + state.id + "]";
    }
}
