package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.Bytes32;
import com.kafkaconnectiroh.p2p.base.Hex;

/**
 * 32 bytes of an Ed25519 public key that names something in iroh-docs ({@link NamespaceId}, {@link AuthorId}).
 * Printed as lowercase hex, as iroh-docs' {@code Display} does (DO@v0.35.0 {@code src/keys.rs}); on the postcard
 * wire 32 raw bytes ({@code [u8; 32]}, no length). Not checked to be a curve point: iroh-docs checks that only when
 * it verifies a signature, and so do we (an entry naming an invalid key simply fails verification).
 */
abstract class KeyBytes<T extends KeyBytes<T>> extends Bytes32<T> {
    public static final int LENGTH = Bytes32.LENGTH;

    KeyBytes(byte[] bytes) {
        super(bytes);
    }

    static byte[] check(byte[] bytes, String what) {
        return copyOf32(bytes, what);
    }

    static byte[] parseHex(String text, String what) {
        String s = text == null ? "" : text.trim();
        if (s.length() != 2 * LENGTH || !Hex.isHex(s)) {
            String shown = s.length() > 70 ? s.substring(0, 70) + "…" : s;
            throw new IllegalArgumentException(what + " must be 64 hex characters, got '" + shown + "'");
        }
        return Hex.decode(s);
    }

    /** The bytes themselves, for the wire codecs and record identifiers. */
    final byte[] bytes() {
        return internalBytes();
    }
}
