package com.kafkaconnectiroh.p2p.relay.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reads RFC 6455 frames (§5.2) from a byte stream and hands complete messages to a {@link Handler}: unmasked in
 * place, fragmented messages (§5.4) joined, control frames (close, ping, pong) delivered as they come, also between
 * the fragments of a message. Strict where the RFC says a peer MUST fail the connection: reserved bits without a
 * negotiated extension, unknown opcodes, fragmented or oversized control frames, continuation frames out of place,
 * client frames that are not masked (a server's view, §5.1) or server frames that are (a client's view), and
 * messages above the configured size ({@code 1009}).
 *
 * <p>No I/O: the caller keeps the bytes received so far in one buffer and calls {@link #decode} after each read;
 * whatever forms no complete frame yet stays unread in it. Memory per connection is bounded by the largest message
 * plus one read.
 */
public final class WebSocketDecoder {
    /** A complete message or control frame. The bytes are valid only during the call. */
    public interface Handler<E extends Exception> {
        void onMessage(int opcode, ByteBuf buf, int index, int length) throws WebSocketException, E;
    }

    private final boolean expectMasked;
    private final int maxMessage;
    private final ByteBufAllocator alloc;
    /** The fragments of a message in progress, or null. */
    private ByteBuf fragments;
    private int fragmentOpcode = -1;

    /**
     * @param expectMasked true on the server side (clients must mask), false on the client side (servers must not)
     * @param maxMessage   the largest message accepted, joined fragments included
     */
    public WebSocketDecoder(boolean expectMasked, int maxMessage, ByteBufAllocator alloc) {
        this.expectMasked = expectMasked;
        this.maxMessage = maxMessage;
        this.alloc = alloc;
    }

    /**
     * Decodes every complete frame readable in {@code in} (advancing its reader index past them) and returns when
     * the rest is not a complete frame yet.
     *
     * @throws WebSocketException the peer broke the protocol; the connection must end with its close code
     * @throws E                  what the handler throws
     */
    public <E extends Exception> void decode(ByteBuf in, Handler<E> handler) throws WebSocketException, E {
        while (true) {
            int start = in.readerIndex();
            int available = in.readableBytes();
            if (available < 2) {
                return;
            }
            int b0 = in.getUnsignedByte(start);
            int b1 = in.getUnsignedByte(start + 1);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean masked = (b1 & 0x80) != 0;
            if ((b0 & 0x70) != 0) {
                throw new WebSocketException(WebSocketException.PROTOCOL_ERROR,
                        "reserved bits set in a frame header but no extension was negotiated (RFC 6455 §5.2)");
            }
            if (masked != expectMasked) {
                throw new WebSocketException(WebSocketException.PROTOCOL_ERROR, expectMasked
                        ? "a client frame was not masked (RFC 6455 §5.1)" : "a server frame was masked (RFC 6455 §5.1)");
            }
            boolean control = (opcode & 0x8) != 0;
            if (control ? opcode > WebSocketFrames.OP_PONG : opcode > WebSocketFrames.OP_BINARY) {
                throw new WebSocketException(WebSocketException.PROTOCOL_ERROR, "unknown opcode 0x" + Integer.toHexString(opcode));
            }
            long length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (available < 4) {
                    return;
                }
                length = in.getUnsignedShort(start + 2);
                header = 4;
            } else if (length == 127) {
                if (available < 10) {
                    return;
                }
                length = in.getLong(start + 2);
                header = 10;
                if (length < 0) {
                    throw new WebSocketException(WebSocketException.PROTOCOL_ERROR, "frame length has its top bit set");
                }
            }
            if (masked) {
                header += 4;
            }
            if (control) {
                if (!fin) {
                    throw new WebSocketException(WebSocketException.PROTOCOL_ERROR, "fragmented control frame (RFC 6455 §5.5)");
                }
                if (length > WebSocketFrames.MAX_CONTROL_PAYLOAD) {
                    throw new WebSocketException(WebSocketException.PROTOCOL_ERROR,
                            "control frame of " + length + " bytes (at most 125, RFC 6455 §5.5)");
                }
            } else {
                long total = length + (fragments == null ? 0 : fragments.readableBytes());
                if (total > maxMessage) {
                    throw new WebSocketException(WebSocketException.MESSAGE_TOO_BIG,
                            "message of " + total + " bytes or more (at most " + maxMessage + ")");
                }
            }
            if (available < header + length) {
                return;
            }
            int len = (int) length;
            int payload = start + header;
            if (masked) {
                WebSocketFrames.mask(in, payload, len, in.getInt(payload - 4));
            }
            in.readerIndex(payload + len);
            if (control) {
                handler.onMessage(opcode, in, payload, len);
            } else if (opcode == WebSocketFrames.OP_CONTINUATION) {
                if (fragmentOpcode < 0) {
                    throw new WebSocketException(WebSocketException.PROTOCOL_ERROR, "continuation frame without a message to continue");
                }
                fragments.writeBytes(in, payload, len);
                if (fin) {
                    int op = fragmentOpcode;
                    fragmentOpcode = -1;
                    try {
                        handler.onMessage(op, fragments, fragments.readerIndex(), fragments.readableBytes());
                    } finally {
                        releaseFragments();
                    }
                }
            } else {
                if (fragmentOpcode >= 0) {
                    throw new WebSocketException(WebSocketException.PROTOCOL_ERROR,
                            "a new message began before the fragmented one ended (RFC 6455 §5.4)");
                }
                if (fin) {
                    handler.onMessage(opcode, in, payload, len);
                } else {
                    fragmentOpcode = opcode;
                    fragments = alloc.heapBuffer(Math.min(Math.max(len, 256), maxMessage), maxMessage);
                    fragments.writeBytes(in, payload, len);
                }
            }
        }
    }

    /** Frees a message in progress (the connection ended). */
    public void release() {
        releaseFragments();
        fragmentOpcode = -1;
    }

    private void releaseFragments() {
        if (fragments != null) {
            fragments.release();
            fragments = null;
        }
    }
}
