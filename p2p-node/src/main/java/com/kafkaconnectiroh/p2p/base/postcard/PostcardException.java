package com.kafkaconnectiroh.p2p.base.postcard;

/** Malformed or truncated postcard input. Checked: every decoder of peer data must handle it. */
public final class PostcardException extends Exception {
    private static final long serialVersionUID = 1L;

    public PostcardException(String message) {
        super(message);
    }
}
