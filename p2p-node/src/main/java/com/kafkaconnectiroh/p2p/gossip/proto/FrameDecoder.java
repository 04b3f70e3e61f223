package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import java.nio.ByteBuffer;

/**
 * Splits a byte stream into length-prefixed frame bodies, whatever the chunking of the input. Holds at most one
 * partial frame, so its memory never exceeds {@code 4 + maxMessageSize} bytes; a length above the maximum is
 * rejected before anything is allocated for it.
 *
 * <pre>
 * while ((body = decoder.next(chunk)) != null) handle(body);
 * </pre>
 */
public final class FrameDecoder {
    private final int maxMessageSize;
    private final byte[] header = new byte[GossipWire.LENGTH_PREFIX];
    private int headerFill;
    private byte[] body;
    private int bodyFill;
    private boolean oversized;

    public FrameDecoder(int maxMessageSize) {
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("max message size must be positive, got " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Consumes bytes from {@code src} until one frame is complete, and returns its body; returns null once
     * {@code src} is exhausted without completing a frame (the partial frame is kept for the next call).
     */
    public byte[] next(ByteBuffer src) throws PostcardException {
        if (body == null) {
            while (headerFill < header.length && src.hasRemaining()) {
                header[headerFill++] = src.get();
            }
            if (headerFill < header.length) {
                return null;
            }
            long len = ((header[0] & 0xFFL) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            if (len > maxMessageSize) {
                oversized = true;
                throw new PostcardException("gossip frame announces " + len + " bytes, more than the max message size " + maxMessageSize);
            }
            body = new byte[(int) len];
            bodyFill = 0;
        }
        int n = Math.min(src.remaining(), body.length - bodyFill);
        src.get(body, bodyFill, n);
        bodyFill += n;
        if (bodyFill < body.length) {
            return null;
        }
        byte[] done = body;
        body = null;
        headerFill = 0;
        return done;
    }

    /**
     * True once a frame announced more than the max message size (the error {@link #next} threw was that one);
     * lets a driver tell an oversized frame from a malformed one.
     */
    public boolean rejectedOversized() {
        return oversized;
    }

    /** True between frames; a stream that ends while this is false ended mid-frame. */
    public boolean atFrameBoundary() {
        return body == null && headerFill == 0;
    }

    /** Bytes currently held for a partial frame. */
    public int bufferedBytes() {
        return body == null ? headerFill : header.length + bodyFill;
    }

    /** Call at end of stream: a partial frame there is an error. */
    public void endOfStream() throws PostcardException {
        if (!atFrameBoundary()) {
            throw new PostcardException("gossip stream ended inside a frame (" + bufferedBytes() + " bytes buffered)");
        }
    }
}
