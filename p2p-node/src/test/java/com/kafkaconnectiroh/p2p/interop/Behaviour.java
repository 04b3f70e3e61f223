package com.kafkaconnectiroh.p2p.interop;

import java.util.Locale;

/** What a harness node does with connections it accepts on an ALPN. */
public enum Behaviour {
    /** Bi streams: read to end, write the bytes back, finish. Uni streams: read to end, reply on a new uni stream. */
    ECHO,
    /** Count each stream's bytes; reply on bi streams with the count (8 bytes, big-endian); emit a {@code sink} event. */
    SINK,
    /** iroh-ping's server ({@code iroh/ping/0}): PING in, PONG out, then wait for the client to close. */
    PING,
    /** Keep the connection and do nothing; streams are driven by commands ({@code accept-bi} etc.). */
    HOLD;

    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
