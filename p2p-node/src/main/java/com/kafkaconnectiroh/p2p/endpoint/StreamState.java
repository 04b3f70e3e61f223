package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.quic.StreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The loop side of one stream: at most one blocked write and one blocked read, resumed by the connection's
 * StreamWritable/StreamReadable events. Every field is touched on the event loop only, except {@link #stopped},
 * a future that application threads read.
 */
final class StreamState {
    static final class PendingWrite {
        final ByteBuffer src;
        final boolean all;
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        /** bytes taken so far; read by the caller for its inactivity timeout */
        volatile int written;

        PendingWrite(ByteBuffer src, boolean all) {
            this.src = src;
            this.all = all;
        }
    }

    /** A blocked read: of some bytes into {@code dst}, or (with {@code all}) of everything up to the FIN. */
    static final class PendingRead {
        final ByteBuffer dst;
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        /** read-to-end: what arrived so far, the limit, and the outcome */
        final java.io.ByteArrayOutputStream all;
        final int limit;
        final CompletableFuture<byte[]> whole;
        /** bytes gathered so far, for the caller's inactivity timeout */
        volatile long progress;
        /** the STOP_SENDING code when read-to-end passes its limit */
        long tooLongCode;

        PendingRead(ByteBuffer dst) {
            this.dst = dst;
            this.all = null;
            this.limit = 0;
            this.whole = null;
        }

        PendingRead(int limit) {
            this.dst = ByteBuffer.allocate((int) Math.min(64 * 1024, (long) limit + 1));
            this.all = new java.io.ByteArrayOutputStream((int) Math.min(limit, 64 * 1024));
            this.limit = limit;
            this.whole = new CompletableFuture<>();
        }

        void fail(Throwable e) {
            if (whole != null) {
                whole.completeExceptionally(e);
            } else {
                result.completeExceptionally(e);
            }
        }
    }

    final Connection conn;
    final long id;
    /** Completes with the peer's STOP_SENDING code, or empty once everything we sent (and FIN) was acked. */
    final CompletableFuture<OptionalLong> stopped = new CompletableFuture<>();
    PendingWrite write;
    PendingRead read;
    /** Bytes the transport took from writes so far: the stream's write offset. */
    long writtenTotal;
    /** One waiter for the peer's acknowledgement of every byte below {@link #ackWaitOffset}. */
    CompletableFuture<Long> ackWait;
    long ackWaitOffset;
    /** Once the sending half is over: what the peer acknowledged by then, for good; -1 before. */
    long finalAcked = -1;
    boolean sendDone;
    boolean recvDone;
    boolean finishCalled;

    StreamState(Connection conn, long id, boolean hasSend, boolean hasRecv) {
        this.conn = conn;
        this.id = id;
        this.sendDone = !hasSend;
        this.recvDone = !hasRecv;
        if (!hasSend) {
            stopped.complete(OptionalLong.empty());
        }
    }

    // ---- sending (loop) ----

    void startWrite(PendingWrite w) {
        if (write != null) {
            w.result.completeExceptionally(new IllegalStateException("stream " + id + " already has a blocked write"));
            return;
        }
        if (conn.closeInfo() != null) {
            w.result.completeExceptionally(conn.lostException());
            return;
        }
        write = w;
        continueWrite();
    }

    void continueWrite() {
        PendingWrite w = write;
        if (w == null) {
            return;
        }
        try {
            int n = conn.quic.write(id, w.src);
            if (n > 0) {
                w.written += n;
                writtenTotal += n;
                conn.driver.touch(conn);
            }
            if (!w.src.hasRemaining() || (!w.all && w.written > 0)) {
                write = null;
                w.result.complete(w.written);
            }
        } catch (StreamException e) {
            write = null;
            w.result.completeExceptionally(map(e));
        }
    }

    void finish() {
        if (finishCalled || sendDone) {
            return;
        }
        finishCalled = true;
        try {
            conn.quic.finish(id);
            conn.driver.touch(conn);
        } catch (StreamException e) {
            // already reset or stopped: nothing to finish
        }
    }

    void reset(long code) {
        if (sendDone) {
            return;
        }
        settleAcked(conn.quic.ackedOffset(id));
        try {
            conn.quic.reset(id, code);
            conn.driver.touch(conn);
        } catch (StreamException e) {
            // finished and acknowledged, or the connection is gone
        }
        onSendDone();
        stopped.completeExceptionally(new IOException("stream " + id + " was reset locally with code " + code));
        failWrite(new IOException("stream " + id + " was reset locally with code " + code));
    }

    void onFinished() {
        settleAcked(writtenTotal); // everything and the FIN acknowledged
        stopped.complete(OptionalLong.empty());
        onSendDone();
    }

    void onStopped(long code) {
        settleAcked(conn.quic.ackedOffset(id)); // the reset that answered STOP_SENDING kept what was acked before
        stopped.complete(OptionalLong.of(code));
        failWrite(new StreamResetException("peer stopped stream " + id + " with code " + code, code, true));
        onSendDone();
    }

    // ---- acknowledgements (loop) ----

    /** See {@link SendStream#acked(long)}. */
    void awaitAcked(long offset, CompletableFuture<Long> f) {
        if (finalAcked >= 0) {
            f.complete(finalAcked);
            return;
        }
        if (ackWait != null) {
            f.completeExceptionally(new IllegalStateException("stream " + id + " already has an acknowledgement waiter"));
            return;
        }
        long now = conn.quic.ackedOffset(id);
        if (now >= offset) {
            f.complete(now);
            return;
        }
        ackWait = f;
        ackWaitOffset = offset;
        conn.quic.notifyAcked(id, offset);
    }

    /** The QUIC connection's StreamAcked event. */
    void onAcked(long offset) {
        CompletableFuture<Long> f = ackWait;
        if (f != null && offset >= ackWaitOffset) {
            ackWait = null;
            f.complete(offset);
        }
    }

    /** The sending half is over: the acknowledged offset is final; a waiter gets it, reached or not. */
    private void settleAcked(long acked) {
        if (finalAcked >= 0) {
            return;
        }
        finalAcked = Math.max(0, acked);
        CompletableFuture<Long> f = ackWait;
        if (f != null) {
            ackWait = null;
            f.complete(finalAcked);
        }
    }

    private void failWrite(IOException e) {
        PendingWrite w = write;
        if (w != null) {
            write = null;
            w.result.completeExceptionally(e);
        }
    }

    private void onSendDone() {
        sendDone = true;
        conn.forgetIfDone(this);
    }

    // ---- receiving (loop) ----

    void startRead(PendingRead r) {
        if (read != null) {
            r.fail(new IllegalStateException("stream " + id + " already has a blocked read"));
            return;
        }
        read = r;
        continueRead();
    }

    void continueRead() {
        PendingRead r = read;
        if (r == null) {
            return;
        }
        try {
            while (true) {
                int n = conn.quic.read(id, r.dst);
                if (n == 0) {
                    if (conn.closeInfo() != null) {
                        read = null;
                        r.fail(conn.lostException());
                    }
                    return;
                }
                conn.driver.touch(conn); // reading may open flow-control credit
                if (n < 0) {
                    read = null;
                    recvDone = true;
                    conn.forgetIfDone(this);
                    if (r.whole != null) {
                        r.whole.complete(r.all.toByteArray());
                    } else {
                        r.result.complete(-1);
                    }
                    return;
                }
                if (r.whole == null) {
                    read = null;
                    r.result.complete(n);
                    return;
                }
                if ((long) r.all.size() + n > r.limit) {
                    read = null;
                    stop(r.tooLongCode);
                    r.whole.completeExceptionally(new StreamTooLongException("stream " + id
                            + " is longer than the limit of " + r.limit + " bytes"));
                    return;
                }
                r.all.write(r.dst.array(), 0, n);
                r.progress = r.all.size();
                r.dst.clear();
            }
        } catch (StreamException e) {
            read = null;
            if (e.kind() == StreamException.Kind.RESET || e.kind() == StreamException.Kind.UNKNOWN_STREAM) {
                recvDone = true;
                conn.forgetIfDone(this);
            }
            r.fail(map(e));
        }
    }

    void stop(long code) {
        if (recvDone) {
            return;
        }
        try {
            conn.quic.stop(id, code);
            conn.driver.touch(conn);
        } catch (StreamException e) {
            // connection gone
        }
        recvDone = true;
        PendingRead r = read;
        if (r != null) {
            read = null;
            r.fail(new IOException("stream " + id + " was stopped locally"));
        }
        conn.forgetIfDone(this);
    }

    /** The connection ended: wake everything that waits. */
    void onConnectionLost() {
        if (read != null) {
            continueRead(); // buffered data is still handed out; otherwise the read fails
        }
        if (!sendDone) {
            // acknowledgements processed before the close (quinn sends its last ACK with the CONNECTION_CLOSE)
            settleAcked(conn.quic.ackedOffset(id));
        }
        failWrite(conn.lostException());
        stopped.completeExceptionally(conn.lostException());
    }

    private IOException map(StreamException e) {
        return switch (e.kind()) {
            case RESET -> new StreamResetException("peer reset stream " + id + " with code " + e.errorCode(),
                    e.errorCode(), false);
            case STOPPED -> new StreamResetException("peer stopped stream " + id + " with code " + e.errorCode(),
                    e.errorCode(), true);
            case CONNECTION_CLOSED -> conn.lostException();
            case UNKNOWN_STREAM -> new IOException("stream " + id + ": " + e.getMessage());
        };
    }
}
