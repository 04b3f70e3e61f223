package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.util.Arrays;

/**
 * 32 bytes of an Ed25519 public key that names something in iroh-docs ({@link NamespaceId}, {@link AuthorId}).
 * Printed as lowercase hex, as iroh-docs' {@code Display} does (DO@v0.35.0 {@code src/keys.rs}); on the postcard
 * wire 32 raw bytes ({@code [u8; 32]}, no length). Not checked to be a curve point: iroh-docs checks that only when
 * it verifies a signature, and so do we (an entry naming an invalid key simply fails verification).
 */
abstract class KeyBytes {
    public static final int LENGTH = 32;

    final byte[] bytes;
    private final int hash;

    KeyBytes(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    static byte[] check(byte[] bytes, String what) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return bytes.clone();
    }

    static byte[] parseHex(String text, String what) {
        String s = text == null ? "" : text.trim();
        if (s.length() != 2 * LENGTH || !Hex.isHex(s)) {
            String shown = s.length() > 70 ? s.substring(0, 70) + "…" : s;
            throw new IllegalArgumentException(what + " must be 64 hex characters, got '" + shown + "'");
        }
        return Hex.decode(s);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The first 5 bytes in hex, as iroh's {@code fmt_short}. */
    public String fmtShort() {
        return Hex.encode(bytes, 0, 5);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && hash == ((KeyBytes) o).hash
                && Arrays.equals(bytes, ((KeyBytes) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    int compareBytes(KeyBytes o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
