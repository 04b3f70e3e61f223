package com.kafkaconnectiroh.p2p.interop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic payload bytes, the same as the harness's {@code pattern:{seed,len}}, so large payloads are
 * checked by SHA-256 on both sides without shipping them through JSON.
 *
 * <p>The generator: {@code state = seed * 0x9E3779B1 + 0x7F4A7C15} (mod 2^32; a zero state becomes
 * {@code 0x6D2B79F5}); for every 4-byte word the state advances by xorshift32 ({@code ^= <<13, ^= >>>17,
 * ^= <<5}) and is emitted little-endian; the stream is cut at the requested length. A period-2^32-1 generator
 * rather than a counter, so a misplaced chunk of a payload never matches by accident.
 */
public final class Pattern {
    private static final int CHUNK = 1 << 20;

    private int state;

    /** Writes the first {@code size} bytes of seed {@code seed}'s stream to {@code file}, a MiB at a time. */
    public static void writeFile(java.nio.file.Path file, int seed, long size) throws java.io.IOException {
        Pattern p = new Pattern(seed);
        byte[] buf = new byte[CHUNK];
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buf.length) {
                int n = (int) Math.min(buf.length, size - done);
                p.next(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
    }

    public Pattern(int seed) {
        int s = seed * 0x9E3779B1 + 0x7F4A7C15;
        this.state = s == 0 ? 0x6D2B79F5 : s;
    }

    /**
     * Writes the next {@code len} bytes of the stream. Like the harness, a partial final word is dropped, so
     * only the last call of a stream may use a length that is not a multiple of 4.
     */
    public void next(byte[] dst, int off, int len) {
        int x = state;
        int i = 0;
        for (; i + 4 <= len; i += 4) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            dst[off + i] = (byte) x;
            dst[off + i + 1] = (byte) (x >>> 8);
            dst[off + i + 2] = (byte) (x >>> 16);
            dst[off + i + 3] = (byte) (x >>> 24);
        }
        if (i < len) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            for (int k = 0; i < len; i++, k += 8) {
                dst[off + i] = (byte) (x >>> k);
            }
        }
        state = x;
    }

    /** The first {@code len} bytes of the stream for {@code seed}. */
    public static byte[] bytes(int seed, int len) {
        byte[] b = new byte[len];
        new Pattern(seed).next(b, 0, len);
        return b;
    }

    /** SHA-256 (lowercase hex) of the first {@code len} bytes for {@code seed}, generated in 1 MiB chunks. */
    public static String sha256Hex(int seed, long len) {
        MessageDigest md = sha256();
        Pattern p = new Pattern(seed);
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(len, 0))];
        for (long done = 0; done < len; ) {
            int n = (int) Math.min(buf.length, len - done);
            p.next(buf, 0, n);
            md.update(buf, 0, n);
            done += n;
        }
        return Hex.encode(md.digest());
    }

    public static String sha256Hex(byte[] data) {
        return Hex.encode(sha256().digest(data));
    }

    /** {@code {"seed":seed,"len":len}}, the harness's pattern parameter. */
    public static ObjectNode json(int seed, int len) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("seed", seed);
        n.put("len", len);
        return n;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
