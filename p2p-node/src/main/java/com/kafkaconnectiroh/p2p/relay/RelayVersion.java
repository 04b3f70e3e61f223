package com.kafkaconnectiroh.p2p.relay;

/**
 * The relay protocol versions of iroh 1.x, named by their WebSocket sub-protocol (IR {@code iroh-relay/src/http.rs}
 * {@code ProtocolVersion}). v2 replaced the free-text Health frame by the Status frame; otherwise they are the same.
 */
public enum RelayVersion {
    V1("iroh-relay-v1"),
    V2("iroh-relay-v2");

    /** What a client offers in {@code Sec-WebSocket-Protocol}, newest first (as iroh 1.x does). */
    public static final String OFFER = V2.subprotocol + ", " + V1.subprotocol;

    private final String subprotocol;

    RelayVersion(String subprotocol) {
        this.subprotocol = subprotocol;
    }

    public String subprotocol() {
        return subprotocol;
    }

    /** The version named exactly {@code name}, or null. */
    public static RelayVersion of(String name) {
        for (RelayVersion v : values()) {
            if (v.subprotocol.equals(name)) {
                return v;
            }
        }
        return null;
    }

    /** The highest version in a comma-separated {@code Sec-WebSocket-Protocol} offer, or null if none is known. */
    public static RelayVersion pick(String offer) {
        RelayVersion best = null;
        if (offer == null) {
            return null;
        }
        for (String p : offer.split(",")) {
            RelayVersion v = of(p.strip());
            if (v != null && (best == null || v.ordinal() > best.ordinal())) {
                best = v;
            }
        }
        return best;
    }
}
