package com.kafkaconnectiroh.p2p.quic.stream;

import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import java.nio.ByteBuffer;

/**
 * The sending half of a stream (RFC 9000 §3.1): a bounded buffer of written-but-unacknowledged bytes, the next
 * offset to send, ranges lost and waiting for retransmission, the peer's flow-control limit, FIN and reset state.
 */
public final class SendStream {
    public enum State { SEND, DATA_SENT, DATA_RECVD, RESET_SENT, RESET_RECVD }

    private final long id;
    private final int bufferLimit;
    private final ChunkedBuffer buf;
    private State state = State.SEND;
    /** Everything below is acknowledged (or, after a reset, abandoned: see {@link #ackedOffset}). */
    private long ackedBelow;
    /** What the peer had acknowledged when we reset the stream; -1 while not reset. */
    private long ackedAtReset = -1;
    /** Acknowledged ranges above {@link #ackedBelow}. */
    private final RangeSet acked = new RangeSet();
    /** Lost ranges to send again, all below {@link #sendOffset}. */
    private final RangeSet lost = new RangeSet();
    /** Next never-sent offset. */
    private long sendOffset;
    /** End of written data. */
    private long writeOffset;
    private long maxStreamData;
    private boolean finRequested;
    private boolean finSent;
    private boolean finLost;
    private boolean finAcked;
    private long resetCode;
    private boolean resetPending;
    private long stopCode = -1;
    /** The limit we last reported STREAM_DATA_BLOCKED at, -1 if none. */
    private long blockedReportedAt = -1;
    private boolean writeBlocked;

    public SendStream(long id, long maxStreamData, int bufferLimit) {
        this(id, maxStreamData, bufferLimit, ChunkPool.NONE);
    }

    public SendStream(long id, long maxStreamData, int bufferLimit, ChunkPool pool) {
        this(id, maxStreamData, bufferLimit, new ChunkedBuffer(pool));
    }

    private SendStream(long id, long maxStreamData, int bufferLimit, ChunkedBuffer buf) {
        this.buf = buf;
        this.id = id;
        this.maxStreamData = maxStreamData;
        this.bufferLimit = bufferLimit;
    }

    /** The sending half of a CRYPTO stream: unlimited, in small chunks (handshake messages are small). */
    public static SendStream crypto() {
        return new SendStream(-1, Long.MAX_VALUE, Integer.MAX_VALUE, ChunkedBuffer.small());
    }

    public long id() {
        return id;
    }

    public State state() {
        return state;
    }

    /** Bytes written and not yet acknowledged (the buffer's occupancy). */
    public long buffered() {
        return writeOffset - ackedBelow;
    }

    /** How many bytes {@link #write} would take now, ignoring any connection-wide limit. */
    public long writable() {
        if (state != State.SEND || finRequested) {
            return 0;
        }
        return Math.max(0, bufferLimit - buffered());
    }

    /** Appends up to {@code limit} bytes from {@code src}; returns how many were taken. */
    public int write(ByteBuffer src, long limit) {
        int wanted = src.remaining();
        int n = (int) Math.min(wanted, Math.min(writable(), limit));
        if (n > 0) {
            buf.write(writeOffset, src, n);
            writeOffset += n;
        }
        writeBlocked = n < wanted;
        return n;
    }

    /** True if the last write could not take everything (so the app wants a writable event). */
    public boolean isWriteBlocked() {
        return writeBlocked;
    }

    public void clearWriteBlocked() {
        writeBlocked = false;
    }

    public void finish() {
        if (state == State.SEND) {
            finRequested = true;
        }
    }

    public boolean isFinished() {
        return finRequested;
    }

    public long writeOffset() {
        return writeOffset;
    }

    /**
     * The peer acknowledged every byte below this offset (RFC 9000 §13.4: the frames carrying them were in
     * acknowledged packets). A reset freezes it at what was acknowledged until then: bytes abandoned by the reset
     * never count, even if an acknowledgement for them arrives later.
     */
    public long ackedOffset() {
        return ackedAtReset >= 0 ? ackedAtReset : ackedBelow;
    }

    public long sendOffset() {
        return sendOffset;
    }

    public long maxStreamData() {
        return maxStreamData;
    }

    /** MAX_STREAM_DATA from the peer; returns true if the limit grew. */
    public boolean onMaxStreamData(long max) {
        if (max > maxStreamData) {
            maxStreamData = max;
            return true;
        }
        return false;
    }

    /** Something to send: lost data, new data within flow control, or a FIN. */
    public boolean hasPendingData(long connCredit) {
        if (state != State.SEND && state != State.DATA_SENT) {
            return false;
        }
        if (!lost.isEmpty() || finLost) {
            return true;
        }
        if (sendOffset < writeOffset && sendOffset < maxStreamData && connCredit > 0) {
            return true;
        }
        return finRequested && !finSent && sendOffset == writeOffset;
    }

    /** True when new data waits only for the peer's stream limit (STREAM_DATA_BLOCKED is due). */
    public boolean isBlockedByStreamLimit() {
        return state == State.SEND && sendOffset < writeOffset && sendOffset >= maxStreamData
                && blockedReportedAt != maxStreamData;
    }

    public void onBlockedReported() {
        blockedReportedAt = maxStreamData;
    }

    public void onBlockedLost() {
        blockedReportedAt = -1;
    }

    /**
     * Chooses the next chunk to send with at most {@code maxLen} data bytes: lost ranges first, then new data
     * limited by stream and connection credit. Fills {@code out} with {offset, length, fin?1:0, newBytes} and
     * returns false if there is nothing. Call {@link #onSent} with the same values once the frame is written.
     */
    public boolean nextChunk(int maxLen, long connCredit, long[] out) {
        if (maxLen < 0) {
            return false;
        }
        if (!lost.isEmpty()) {
            long s = lost.start(0);
            long e = Math.min(lost.end(0), s + maxLen);
            boolean fin = finSent && e == writeOffset && finRequested && finLost;
            out[0] = s;
            out[1] = e - s;
            out[2] = fin ? 1 : 0;
            out[3] = 0;
            return e > s || fin;
        }
        if (finLost && sendOffset == writeOffset) {
            out[0] = writeOffset;
            out[1] = 0;
            out[2] = 1;
            out[3] = 0;
            return true;
        }
        long limit = Math.min(writeOffset, maxStreamData);
        long avail = Math.min(limit - sendOffset, connCredit);
        int n = (int) Math.max(0, Math.min(avail, maxLen));
        boolean fin = finRequested && !finSent && sendOffset + n == writeOffset;
        if (n == 0 && !fin) {
            return false;
        }
        out[0] = sendOffset;
        out[1] = n;
        out[2] = fin ? 1 : 0;
        out[3] = n;
        return true;
    }

    /** Copies stream bytes for a frame. */
    public void copy(long offset, byte[] dst, int off, int len) {
        buf.read(offset, dst, off, len);
    }

    /** Records a sent frame covering {@code [offset, offset+len)} and FIN. */
    public void onSent(long offset, int len, boolean fin) {
        long end = offset + len;
        if (end > sendOffset) {
            sendOffset = end;
        }
        lost.remove(offset, end);
        if (fin) {
            finSent = true;
            finLost = false;
            if (state == State.SEND) {
                state = State.DATA_SENT;
            }
        }
    }

    /**
     * A frame was acknowledged. Returns the number of buffer bytes freed (for connection-wide accounting).
     */
    public long onAck(long offset, int len, boolean fin) {
        if (state == State.RESET_SENT || state == State.RESET_RECVD) {
            return 0;
        }
        long before = ackedBelow;
        if (len > 0 && offset + len > ackedBelow) {
            acked.add(Math.max(offset, ackedBelow), offset + len);
            if (!acked.isEmpty() && acked.min() <= ackedBelow) {
                ackedBelow = acked.end(0);
                acked.removeAt(0);
            }
        }
        lost.remove(offset, offset + len);
        if (fin) {
            finAcked = true;
            finLost = false;
        }
        buf.discardBelow(ackedBelow);
        if (finAcked && ackedBelow == writeOffset && state == State.DATA_SENT) {
            state = State.DATA_RECVD;
            buf.release();
        }
        return ackedBelow - before;
    }

    /** A frame was declared lost: queue the parts not acknowledged since. */
    public void onLost(long offset, int len, boolean fin) {
        if (state != State.SEND && state != State.DATA_SENT) {
            return;
        }
        long s = Math.max(offset, ackedBelow);
        long e = offset + len;
        if (s < e) {
            // skip sub-ranges already acknowledged by a later copy
            long cur = s;
            for (int i = 0; i < acked.size() && cur < e; i++) {
                long as = acked.start(i);
                long ae = acked.end(i);
                if (ae <= cur) {
                    continue;
                }
                if (as >= e) {
                    break;
                }
                if (as > cur) {
                    lost.add(cur, as);
                }
                cur = Math.max(cur, ae);
            }
            if (cur < e) {
                lost.add(cur, e);
            }
        }
        if (fin && !finAcked) {
            finLost = true;
        }
    }

    /** Abandons the stream with RESET_STREAM; returns the bytes freed from the buffer. */
    public long reset(long code) {
        if (state == State.DATA_RECVD || state == State.RESET_SENT || state == State.RESET_RECVD) {
            return 0;
        }
        long freed = buffered();
        ackedAtReset = ackedBelow;
        state = State.RESET_SENT;
        resetCode = code;
        resetPending = true;
        lost.clear();
        acked.clear();
        ackedBelow = writeOffset;
        buf.release();
        return freed;
    }

    public boolean isResetPending() {
        return resetPending;
    }

    public void onResetSent() {
        resetPending = false;
    }

    public void onResetLost() {
        if (state == State.RESET_SENT) {
            resetPending = true;
        }
    }

    public void onResetAcked() {
        if (state == State.RESET_SENT) {
            state = State.RESET_RECVD;
        }
    }

    public long resetCode() {
        return resetCode;
    }

    /** Final size for RESET_STREAM: the highest offset we ever sent. */
    public long finalSize() {
        return sendOffset;
    }

    public void onStopSending(long code) {
        if (stopCode < 0) {
            stopCode = code;
        }
    }

    /** The peer's STOP_SENDING code, or -1. */
    public long stopCode() {
        return stopCode;
    }

    /** All data and FIN acknowledged, or the reset acknowledged. */
    public boolean isDone() {
        return state == State.DATA_RECVD || state == State.RESET_RECVD;
    }

    /** Retransmissions or new data waiting (for fair scheduling). */
    public boolean hasLostData() {
        return !lost.isEmpty() || finLost;
    }

    /** Buffer memory held, for tests and bounds checks. */
    public long allocatedBytes() {
        return buf.allocatedBytes();
    }
}
