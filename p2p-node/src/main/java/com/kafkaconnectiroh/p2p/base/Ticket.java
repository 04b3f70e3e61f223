package com.kafkaconnectiroh.p2p.base;

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
