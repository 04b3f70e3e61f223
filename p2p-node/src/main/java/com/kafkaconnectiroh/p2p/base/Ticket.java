package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Locale;

/**
 * An iroh ticket: a kind prefix and the lowercase, unpadded RFC 4648 base32 of the ticket's postcard bytes
 * (IR@v0.35.0 {@code iroh-base/src/ticket.rs::Ticket}; iroh-tickets v1.0.0 {@code src/lib.rs::Ticket}).
 * The postcard bytes of every ticket iroh defines are the same frame around a kind's own body: the ticket enum's
 * variant (always 0), then the body; a kind writes and reads only its body ({@link #writeBody},
 * {@link #fromBytes(String, byte[], BodyReader)}).
 */
public interface Ticket {
    /** The lowercase prefix, e.g. {@code endpoint}, {@code node}, {@code blob}. */
    String kind();

    /** Writes what follows the variant: the kind's own fields. */
    void writeBody(PostcardWriter w);

    /** The postcard bytes: variant 0, then the body. */
    default byte[] toBytes() {
        PostcardWriter w = new PostcardWriter(128);
        w.variant(0);
        writeBody(w);
        return w.toByteArray();
    }

    /** {@code kind ‖ base32(bytes)}, all lowercase. */
    default String encode() {
        return kind() + Base32.STANDARD.encode(toBytes());
    }

    /** Reads a ticket's postcard bytes. */
    @FunctionalInterface
    interface BytesDecoder<T extends Ticket> {
        T fromBytes(byte[] bytes) throws PostcardException;
    }

    /** Reads a kind's body (what {@link #writeBody} wrote). */
    @FunctionalInterface
    interface BodyReader<T extends Ticket> {
        T read(PostcardReader r) throws PostcardException;
    }

    /**
     * Reads a ticket's postcard bytes: variant 0, the body, nothing after. Trailing bytes are refused (iroh's
     * decoder would ignore them; we never make such tickets and take them as a sign of a mismatched layout).
     */
    static <T extends Ticket> T fromBytes(String kind, byte[] bytes, BodyReader<T> body) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        readVariant(r, kind);
        T ticket = body.read(r);
        r.expectEnd();
        return ticket;
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
