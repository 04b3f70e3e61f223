package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import java.util.Locale;

/**
 * An iroh ticket: a kind prefix and the lowercase, unpadded RFC 4648 base32 of the ticket's postcard bytes
 * (IR@v0.35.0 {@code iroh-base/src/ticket.rs::Ticket}; iroh-tickets v1.0.0 {@code src/lib.rs::Ticket}).
 */
public interface Ticket {
    /** The lowercase prefix, e.g. {@code endpoint}, {@code node}, {@code blob}. */
    String kind();

    /** The postcard bytes. */
    byte[] toBytes();

    /** {@code kind ‖ base32(bytes)}, all lowercase. */
    default String encode() {
        return kind() + Base32.STANDARD.encode(toBytes());
    }

    /** Reads a ticket's postcard bytes. */
    @FunctionalInterface
    interface BytesDecoder<T extends Ticket> {
        T fromBytes(byte[] bytes) throws PostcardException;
    }

    /**
     * Parses {@code kind…} text with {@code decoder}.
     *
     * @throws IllegalArgumentException saying what is wrong: the prefix, the base32, or the bytes
     */
    static <T extends Ticket> T parse(String kind, String text, BytesDecoder<T> decoder) {
        byte[] bytes = decode(kind, text);
        try {
            return decoder.fromBytes(bytes);
        } catch (PostcardException e) {
            throw new IllegalArgumentException("invalid " + kind + " ticket: " + e.getMessage(), e);
        }
    }

    /** Reads the ticket enum's variant: every ticket iroh defines has one, index 0. */
    static void readVariant(PostcardReader r, String kind) throws PostcardException {
        int variant = r.variant();
        if (variant != 0) {
            throw new PostcardException("unknown " + kind + " ticket variant " + variant + " (expected 0)");
        }
    }

    /**
     * Strips the kind prefix (any case; iroh itself wants it lowercase) and decodes the base32 (any case).
     *
     * @throws IllegalArgumentException naming the expected kind, or the base32 problem
     */
    static byte[] decode(String kind, String text) {
        if (text == null) {
            throw new IllegalArgumentException("ticket is null");
        }
        String s = text.trim();
        if (!s.regionMatches(true, 0, kind, 0, kind.length())) {
            String shown = s.length() > 16 ? s.substring(0, 16) + "…" : s;
            throw new IllegalArgumentException("expected a ticket starting with '" + kind + "', got '" + shown + "'");
        }
        try {
            return Base32.STANDARD.decode(s.substring(kind.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + kind + " ticket: " + e.getMessage().toLowerCase(Locale.ROOT), e);
        }
    }
}
