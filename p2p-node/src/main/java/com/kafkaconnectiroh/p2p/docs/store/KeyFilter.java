package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Matches entry keys: by prefix or exactly (iroh-docs {@code FilterKind}). Text form as iroh's:
 * {@code prefix:utf8:TEXT}, {@code exact:hex:6869}.
 */
public record KeyFilter(boolean exact, byte[] bytes) {
    public KeyFilter {
        bytes = bytes.clone();
    }

    public static KeyFilter prefix(byte[] prefix) {
        return new KeyFilter(false, prefix);
    }

    public static KeyFilter prefix(String prefix) {
        return prefix(prefix.getBytes(StandardCharsets.UTF_8));
    }

    public static KeyFilter exact(byte[] key) {
        return new KeyFilter(true, key);
    }

    public boolean matches(byte[] key) {
        if (exact) {
            return Arrays.equals(key, bytes);
        }
        return key.length >= bytes.length && Arrays.equals(key, 0, bytes.length, bytes, 0, bytes.length);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Parses {@code prefix|exact:utf8|hex:VALUE}. */
    public static KeyFilter parse(String text) {
        String[] parts = text.split(":", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("key filter must be prefix|exact:utf8|hex:VALUE, got '" + text + "'");
        }
        boolean exact = switch (parts[0]) {
            case "exact" -> true;
            case "prefix" -> false;
            default -> throw new IllegalArgumentException("key filter kind must be prefix or exact, got '" + parts[0] + "'");
        };
        byte[] value = switch (parts[1]) {
            case "utf8" -> parts[2].getBytes(StandardCharsets.UTF_8);
            case "hex" -> {
                if (!Hex.isHex(parts[2]) || parts[2].length() % 2 != 0) {
                    throw new IllegalArgumentException("key filter value is not hex: '" + parts[2] + "'");
                }
                yield Hex.decode(parts[2]);
            }
            default -> throw new IllegalArgumentException("key filter encoding must be utf8 or hex, got '" + parts[1] + "'");
        };
        return new KeyFilter(exact, value);
    }

    @Override
    public String toString() {
        String kind = exact ? "exact" : "prefix";
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return kind + ":utf8:" + s;
        } catch (CharacterCodingException e) {
            return kind + ":hex:" + Hex.encode(bytes);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyFilter f && f.exact == exact && Arrays.equals(f.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(exact) * 31 + Arrays.hashCode(bytes);
    }
}
