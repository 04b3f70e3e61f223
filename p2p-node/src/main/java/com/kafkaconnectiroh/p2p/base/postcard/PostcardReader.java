package com.kafkaconnectiroh.p2p.base.postcard;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the postcard wire format (see {@link PostcardWriter}). Every read checks bounds and throws
 * {@link PostcardException} on truncated or malformed input, so it is safe on bytes from untrusted peers.
 *
 * <p>Like postcard itself, varints may be non-canonical (extra continuation bytes) up to the type's maximum
 * encoded length; values that overflow the target type are rejected.
 */
public final class PostcardReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public PostcardReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public PostcardReader(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IndexOutOfBoundsException();
        }
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    public int u8() throws PostcardException {
        need(1, "u8");
        return buf[pos++] & 0xFF;
    }

    public boolean bool() throws PostcardException {
        int b = u8();
        if (b > 1) {
            throw new PostcardException("invalid bool byte " + b);
        }
        return b == 1;
    }

    public int u16() throws PostcardException {
        return (int) varint(16, "u16");
    }

    public long u32() throws PostcardException {
        return varint(32, "u32");
    }

    /** u64 as a Java long; values above {@link Long#MAX_VALUE} come out negative (unsigned semantics). */
    public long u64() throws PostcardException {
        return varint(64, "u64");
    }

    public long signedVarint() throws PostcardException {
        long z = varint(64, "i64");
        return (z >>> 1) ^ -(z & 1);
    }

    public int variant() throws PostcardException {
        long v = varint(32, "enum variant");
        if (v > Integer.MAX_VALUE) {
            throw new PostcardException("enum variant " + v + " out of range");
        }
        return (int) v;
    }

    /** A sequence/map/string/bytes length, checked against the bytes left so hostile lengths allocate nothing. */
    public int length(int minBytesPerElement) throws PostcardException {
        long n = varint(64, "length");
        long minBytes = n * Math.max(0, minBytesPerElement);
        if (n < 0 || n > Integer.MAX_VALUE || (minBytesPerElement > 0 && (minBytes / minBytesPerElement != n || minBytes > remaining()))) {
            throw new PostcardException("length " + Long.toUnsignedString(n) + " exceeds the " + remaining() + " bytes left");
        }
        return (int) n;
    }

    public byte[] bytes() throws PostcardException {
        int n = length(1);
        return raw(n);
    }

    public byte[] raw(int n) throws PostcardException {
        need(n, n + " raw bytes");
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String string() throws PostcardException {
        int n = length(1);
        need(n, "string");
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(buf, pos, n))
                    .toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw new PostcardException("string is not valid UTF-8");
        }
    }

    /** Reads an {@code Option} tag: true for {@code Some}. */
    public boolean option() throws PostcardException {
        int tag = u8();
        if (tag > 1) {
            throw new PostcardException("invalid Option tag " + tag);
        }
        return tag == 1;
    }

    public long u64le() throws PostcardException {
        need(8, "u64 little-endian");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos++] & 0xFFL) << (8 * i);
        }
        return v;
    }

    public int remaining() {
        return end - pos;
    }

    public int position() {
        return pos;
    }

    public boolean isEmpty() {
        return pos == end;
    }

    /** For top-level messages: trailing bytes mean the peer and we disagree on the layout. */
    public void expectEnd() throws PostcardException {
        if (pos != end) {
            throw new PostcardException((end - pos) + " unexpected trailing bytes");
        }
    }

    private long varint(int bits, String what) throws PostcardException {
        int maxBytes = (bits + 6) / 7;
        long v = 0;
        for (int i = 0; i < maxBytes; i++) {
            need(1, what);
            int b = buf[pos++] & 0xFF;
            long chunk = b & 0x7FL;
            int shift = 7 * i;
            if (i == maxBytes - 1) {
                // The last allowed byte may only carry the bits the type has left.
                int bitsLeft = bits - shift;
                if ((b & 0x80) != 0 || (bitsLeft < 7 && (chunk >>> bitsLeft) != 0)) {
                    throw new PostcardException(what + " varint overflows " + bits + " bits");
                }
            }
            v |= chunk << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new PostcardException(what + " varint too long");
    }

    private void need(int n, String what) throws PostcardException {
        if (n < 0 || end - pos < n) {
            throw new PostcardException("truncated input reading " + what + ": need " + n + " bytes, " + (end - pos) + " left");
        }
    }
}
