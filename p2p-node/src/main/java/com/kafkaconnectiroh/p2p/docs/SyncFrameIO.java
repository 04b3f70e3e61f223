package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.docs.proto.SyncFrame;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * Frames of {@code /iroh-sync/1} on one bidirectional stream: {@code u32 BE length ‖ postcard} (iroh-docs
 * {@code net/codec.rs::SyncCodec}). A frame longer than our limit, a truncated frame or bytes that do not decode
 * fail with {@link SyncProtocolException}. The buffer for a frame grows with what actually arrives, so a length
 * prefix alone allocates little.
 */
final class SyncFrameIO {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final BiStream stream;
    private final int maxFrameBytes;
    private final Duration readTimeout;

    SyncFrameIO(BiStream stream, int maxFrameBytes, Duration readTimeout) {
        this.stream = stream;
        this.maxFrameBytes = maxFrameBytes;
        this.readTimeout = readTimeout;
    }

    void write(SyncFrame frame) throws IOException {
        byte[] body = frame.encode();
        if (body.length > maxFrameBytes) {
            throw new SyncProtocolException("our message of " + body.length + " bytes exceeds the frame limit of "
                    + maxFrameBytes);
        }
        ByteBuffer out = ByteBuffer.allocate(4 + body.length);
        out.putInt(body.length).put(body).flip();
        stream.send().writeAll(out);
    }

    /** The next frame, or null if the peer finished the stream between frames. */
    SyncFrame read() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        if (!fill(header, true)) {
            return null;
        }
        long len = Integer.toUnsignedLong(header.getInt(0));
        if (len > maxFrameBytes) {
            throw new SyncProtocolException("peer sent a frame of " + len + " bytes, more than the limit of " + maxFrameBytes);
        }
        byte[] body = new byte[(int) Math.min(len, INITIAL_BUFFER)];
        int have = 0;
        while (have < len) {
            if (have == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(len, (long) body.length * 2));
            }
            ByteBuffer dst = ByteBuffer.wrap(body, have, body.length - have);
            int n = stream.recv().read(dst, readTimeout);
            if (n < 0) {
                throw new SyncProtocolException("stream ended inside a frame (" + have + " of " + len + " bytes)");
            }
            have += n;
        }
        try {
            return SyncFrame.decode(body);
        } catch (PostcardException e) {
            throw new SyncProtocolException("peer sent a malformed sync message: " + e.getMessage());
        }
    }

    /** Fills {@code buf}; false if the stream ended before its first byte (when that is allowed). */
    private boolean fill(ByteBuffer buf, boolean endAllowed) throws IOException {
        while (buf.hasRemaining()) {
            int n = stream.recv().read(buf, readTimeout);
            if (n < 0) {
                if (endAllowed && buf.position() == 0) {
                    return false;
                }
                throw new SyncProtocolException("stream ended inside a frame header");
            }
        }
        return true;
    }
}
