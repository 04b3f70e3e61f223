package com.kafkaconnectiroh.p2p.relay.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6455 framing: the RFC's own examples (§5.7, §1.3), then every way a peer must not send. */
class WebSocketDecoderTest {
    record Message(int opcode, byte[] payload) {
    }

    static List<Message> decode(boolean server, int max, String... hexChunks) throws WebSocketException {
        WebSocketDecoder d = new WebSocketDecoder(server, max, ByteBufAllocator.DEFAULT);
        List<Message> out = new ArrayList<>();
        ByteBuf cum = Unpooled.buffer();
        for (String chunk : hexChunks) {
            cum.writeBytes(Hex.decode(chunk));
            d.decode(cum, (op, buf, index, length) -> {
                byte[] p = new byte[length];
                buf.getBytes(index, p);
                out.add(new Message(op, p));
            });
        }
        d.release();
        return out;
    }

    static String text(Message m) {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void rfcExamplesDecode() throws Exception {
        // RFC 6455 §5.7: unmasked "Hello" (a client reading a server), masked "Hello" (a server reading a client)
        List<Message> m = decode(false, 1024, "810548656c6c6f");
        assertEquals(WebSocketFrames.OP_TEXT, m.get(0).opcode());
        assertEquals("Hello", text(m.get(0)));
        m = decode(true, 1024, "818537fa213d7f9f4d5158");
        assertEquals("Hello", text(m.get(0)));
        // fragmented: "Hel" + "lo"
        m = decode(false, 1024, "010348656c", "80026c6f");
        assertEquals(1, m.size());
        assertEquals("Hello", text(m.get(0)));
        // ping and pong with "Hello"
        m = decode(false, 1024, "890548656c6c6f", "8a0548656c6c6f");
        assertEquals(WebSocketFrames.OP_PING, m.get(0).opcode());
        assertEquals(WebSocketFrames.OP_PONG, m.get(1).opcode());
        // 256 bytes with a 16-bit length, 65536 bytes with a 64-bit length
        m = decode(false, 1 << 20, "827e0100" + "00".repeat(256));
        assertEquals(256, m.get(0).payload().length);
        m = decode(false, 1 << 20, "827f0000000000010000" + "00".repeat(65536));
        assertEquals(65536, m.get(0).payload().length);
    }

    @Test
    void acceptKeyIsTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.accept("dGhlIHNhbXBsZSBub25jZQ=="));
        assertTrue(WebSocketHandshake.isValidClientKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void framesSplitAtEveryByteDecodeTheSame() throws Exception {
        String frames = "010348656c" + "890548656c6c6f" + "80026c6f" + "827e0100" + "ab".repeat(256);
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < frames.length(); i += 2) {
            chunks.add(frames.substring(i, i + 2));
        }
        List<Message> m = decode(false, 1024, chunks.toArray(String[]::new));
        assertEquals(3, m.size());
        assertEquals(WebSocketFrames.OP_PING, m.get(0).opcode()); // a control frame between fragments
        assertEquals("Hello", text(m.get(1)));
        assertEquals(256, m.get(2).payload().length);
    }

    @Test
    void whatWeWriteWeRead() throws Exception {
        for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 70000}) {
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) (i * 7);
            }
            for (boolean masked : new boolean[] {false, true}) {
                ByteBuf out = Unpooled.buffer();
                WebSocketFrames.writeFrame(out, WebSocketFrames.OP_BINARY, payload, masked, 0x1234abcd);
                assertEquals(WebSocketFrames.headerLength(size, masked) + size, out.readableBytes());
                List<Message> m = decode(masked, 1 << 20, Hex.encode(io.netty.buffer.ByteBufUtil.getBytes(out)));
                assertArrayEquals(payload, m.get(0).payload(), "size " + size + " masked " + masked);
            }
        }
    }

    @Test
    void protocolViolationsFailTheConnection() {
        // a server must refuse unmasked client frames; a client must refuse masked server frames (§5.1)
        assertEquals(1002, code(true, 1024, "810548656c6c6f"));
        assertEquals(1002, code(false, 1024, "818537fa213d7f9f4d5158"));
        // reserved bits without an extension, unknown opcodes
        assertEquals(1002, code(false, 1024, "c10548656c6c6f"));
        assertEquals(1002, code(false, 1024, "830548656c6c6f"));
        assertEquals(1002, code(false, 1024, "8b0548656c6c6f"));
        // fragmented and oversized control frames
        assertEquals(1002, code(false, 1024, "090548656c6c6f"));
        assertEquals(1002, code(false, 1024, "897e0080" + "00".repeat(128)));
        // continuation without a message, a new message inside a fragmented one
        assertEquals(1002, code(false, 1024, "80026c6f"));
        assertEquals(1002, code(false, 1024, "010348656c", "81026c6f"));
        // a 64-bit length with the top bit set
        assertEquals(1002, code(false, 1024, "827f8000000000000001"));
    }

    @Test
    void messagesAboveTheLimitAreRefusedBeforeTheirBytesArrive() {
        // announced length over the limit: refused from the header alone, nothing buffered
        assertEquals(1009, code(false, 100, "827e0100"));
        // fragments adding up over the limit
        assertEquals(1009, code(false, 100, "0232" + "00".repeat(50), "0032" + "00".repeat(50), "8001ff"));
    }

    static int code(boolean server, int max, String... chunks) {
        return assertThrows(WebSocketException.class, () -> decode(server, max, chunks)).closeCode();
    }
}
