package com.kafkaconnectiroh.p2p.quic.stream;

import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.nio.ByteBuffer;

/**
 * The receiving half of a stream (RFC 9000 §3.2): reassembles STREAM frames arriving in any order inside the
 * flow-control window we advertised, enforces the final size (§4.5), and hands bytes to the application in
 * order. Memory is bounded by the window: data beyond it is a FLOW_CONTROL_ERROR.
 */
public final class RecvStream {
    public enum State { RECV, SIZE_KNOWN, DATA_RECVD, DATA_READ, RESET_RECVD, RESET_READ }

    private final long id;
    private final long window;
    private final ChunkedBuffer buf;
    private final RangeSet received = new RangeSet();
    private State state = State.RECV;
    private long readOffset;
    private long highest;
    private long finalSize = -1;
    private long maxStreamData;
    private long resetCode = -1;
    private boolean stopped;
    private long stopCode;
    private boolean stopPending;

    public RecvStream(long id, long initialMaxStreamData) {
        this(id, initialMaxStreamData, ChunkPool.NONE);
    }

    public RecvStream(long id, long initialMaxStreamData, ChunkPool pool) {
        this(id, initialMaxStreamData, new ChunkedBuffer(pool));
    }

    private RecvStream(long id, long initialMaxStreamData, ChunkedBuffer buf) {
        this.buf = buf;
        this.id = id;
        this.window = initialMaxStreamData;
        this.maxStreamData = initialMaxStreamData;
    }

    /**
     * The receiving half of a CRYPTO stream, in small chunks; its window is checked by the caller (RFC 9000 §7.5
     * bounds CRYPTO data by what the handshake consumed, not by flow control).
     */
    public static RecvStream crypto() {
        return new RecvStream(-1, Long.MAX_VALUE / 4, ChunkedBuffer.small());
    }

    public long id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** Highest offset received so far (counts against connection flow control). */
    public long highestReceived() {
        return highest;
    }

    public long readOffset() {
        return readOffset;
    }

    public long maxStreamData() {
        return maxStreamData;
    }

    /**
     * A STREAM frame. Returns how much the highest received offset grew (the connection-level flow control
     * charge). Duplicates and data after a reset or stop are accepted and dropped.
     */
    public long onData(long offset, byte[] data, int off, int len, boolean fin) throws TransportException {
        long end = offset + len;
        if (finalSize >= 0 && (end > finalSize || (fin && end != finalSize))) {
            throw new TransportException(TransportError.FINAL_SIZE_ERROR, FrameType.STREAM,
                    "stream " + id + " data ends at " + end + (fin ? " with FIN" : "") + ", final size is " + finalSize);
        }
        if (fin && end < highest) {
            throw new TransportException(TransportError.FINAL_SIZE_ERROR, FrameType.STREAM,
                    "stream " + id + " FIN at " + end + " below data already received up to " + highest);
        }
        if (end > maxStreamData) {
            throw new TransportException(TransportError.FLOW_CONTROL_ERROR, FrameType.STREAM,
                    "stream " + id + " data up to " + end + " exceeds our limit " + maxStreamData);
        }
        long grown = Math.max(0, end - highest);
        highest = Math.max(highest, end);
        if (fin && finalSize < 0) {
            finalSize = end;
            if (state == State.RECV) {
                state = State.SIZE_KNOWN;
            }
        }
        if (state == State.RESET_RECVD || state == State.RESET_READ || stopped) {
            return grown;
        }
        long s = Math.max(offset, readOffset);
        if (s < end) {
            // write only the parts not already held
            long cur = s;
            while (cur < end) {
                long heldEnd = received.contiguousEnd(cur);
                if (heldEnd > cur) {
                    cur = heldEnd;
                    continue;
                }
                // next held range start after cur
                long next = end;
                for (int i = 0; i < received.size(); i++) {
                    if (received.start(i) > cur) {
                        next = Math.min(next, received.start(i));
                        break;
                    }
                }
                buf.write(cur, data, off + (int) (cur - offset), (int) (next - cur));
                received.add(cur, next);
                cur = next;
            }
        }
        if (state == State.SIZE_KNOWN && received.containsAll(readOffset, finalSize)) {
            state = State.DATA_RECVD;
        }
        return grown;
    }

    /** RESET_STREAM from the peer; returns the connection flow-control charge. */
    public long onReset(long code, long size) throws TransportException {
        if (finalSize >= 0 && size != finalSize) {
            throw new TransportException(TransportError.FINAL_SIZE_ERROR, FrameType.RESET_STREAM,
                    "stream " + id + " reset with final size " + size + ", known final size is " + finalSize);
        }
        if (size < highest) {
            throw new TransportException(TransportError.FINAL_SIZE_ERROR, FrameType.RESET_STREAM,
                    "stream " + id + " reset with final size " + size + " below data received up to " + highest);
        }
        if (size > maxStreamData) {
            throw new TransportException(TransportError.FLOW_CONTROL_ERROR, FrameType.RESET_STREAM,
                    "stream " + id + " final size " + size + " exceeds our limit " + maxStreamData);
        }
        long grown = size - highest;
        highest = size;
        finalSize = size;
        if (state == State.DATA_READ || state == State.RESET_RECVD || state == State.RESET_READ) {
            return grown;
        }
        if (state == State.DATA_RECVD) {
            // everything arrived already; a reset may still be delivered instead (RFC 9000 §3.2) but we keep data
            return grown;
        }
        state = State.RESET_RECVD;
        resetCode = code;
        buf.release();
        received.clear();
        return grown;
    }

    /** Bytes readable right now. */
    public long available() {
        if (state == State.RESET_RECVD || state == State.RESET_READ || stopped) {
            return 0;
        }
        return received.contiguousEnd(readOffset) - readOffset;
    }

    /** True if a read would return data, the end of the stream, or the reset. */
    public boolean isReadable() {
        return available() > 0 || (state == State.DATA_RECVD || state == State.SIZE_KNOWN) && readOffset == finalSize
                || state == State.RESET_RECVD;
    }

    /**
     * Copies in-order bytes into {@code dst}. Returns the count, 0 if none is available yet, or -1 at the end of
     * the stream. After a reset returns -2 (the caller reports the code) and the state becomes RESET_READ.
     */
    public int read(ByteBuffer dst) {
        if (state == State.RESET_RECVD) {
            state = State.RESET_READ;
            return -2;
        }
        if (state == State.RESET_READ) {
            return -2;
        }
        if (state == State.DATA_READ) {
            return -1;
        }
        long avail = available();
        if (avail == 0) {
            if (finalSize >= 0 && readOffset == finalSize) {
                state = State.DATA_READ;
                buf.release();
                return -1;
            }
            return 0;
        }
        int n = (int) Math.min(avail, dst.remaining());
        buf.read(readOffset, dst, n);
        readOffset += n;
        received.removeBelow(readOffset);
        buf.discardBelow(readOffset);
        return n;
    }

    /**
     * If the window should be extended (half of it consumed), the new MAX_STREAM_DATA value, else -1. Not after
     * the final size is known.
     */
    public long windowUpdate() {
        if (finalSize >= 0 || state != State.RECV || stopped) {
            return -1;
        }
        long target = readOffset + window;
        if (target - maxStreamData >= window / 2) {
            maxStreamData = target;
            return target;
        }
        return -1;
    }

    /** The limit to (re)send in MAX_STREAM_DATA, or -1 if sending it is pointless now. */
    public long currentMaxStreamData() {
        return finalSize >= 0 || stopped ? -1 : maxStreamData;
    }

    /** The application stops reading (we send STOP_SENDING); buffered data is dropped. */
    public long stop(long code) {
        if (stopped || state == State.DATA_READ || state == State.RESET_READ || state == State.RESET_RECVD) {
            return 0;
        }
        stopped = true;
        stopCode = code;
        stopPending = state == State.RECV || state == State.SIZE_KNOWN;
        long unread = highest - readOffset;
        buf.release();
        received.clear();
        readOffset = highest;
        return unread;
    }

    public boolean isStopPending() {
        return stopPending;
    }

    public void onStopSent() {
        stopPending = false;
    }

    public void onStopLost() {
        if (stopped && finalSize < 0) {
            stopPending = true;
        }
    }

    public long stopCode() {
        return stopCode;
    }

    public boolean isStopped() {
        return stopped;
    }

    public long resetCode() {
        return resetCode;
    }

    /**
     * Nothing more will be delivered: the app read to the end or learned of the reset, or it stopped the stream
     * and the final size is known.
     */
    public boolean isDone() {
        return state == State.DATA_READ || state == State.RESET_READ || (stopped && finalSize >= 0);
    }

    /** Known final size, or -1. */
    public long finalSize() {
        return finalSize;
    }

    /**
     * Bytes received beyond what was read, released when the app stops reading or a reset arrives; the
     * connection-level window treats them as consumed.
     */
    public long unreadAfterReset() {
        return highest - readOffset;
    }

    public long allocatedBytes() {
        return buf.allocatedBytes();
    }
}
