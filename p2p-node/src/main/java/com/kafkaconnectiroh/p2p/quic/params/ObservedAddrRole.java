package com.kafkaconnectiroh.p2p.quic.params;

/**
 * The value of the observed_addr transport parameter (draft-ietf-quic-address-discovery; noq-proto
 * {@code address_discovery.rs}): whether an endpoint sends OBSERVED_ADDR reports about its peer, wants them, or
 * both. Reports flow from A to B only if A's role sends and B's role receives; without the parameter neither.
 */
public enum ObservedAddrRole {
    /** 0: we tell the peer the address we see it at, but want no reports (a QAD server). */
    SEND_ONLY(0),
    /** 1: we want to learn our address, but report nothing (a QAD client). */
    RECEIVE_ONLY(1),
    /** 2: both directions. */
    BOTH(2);

    /** The varint on the wire. */
    public final int code;

    ObservedAddrRole(int code) {
        this.code = code;
    }

    public boolean sends() {
        return this != RECEIVE_ONLY;
    }

    public boolean receives() {
        return this != SEND_ONLY;
    }

    /** The role with this wire value, or null if there is none. */
    public static ObservedAddrRole of(long code) {
        for (ObservedAddrRole r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }

    /** Whether {@code sender} reports to {@code receiver}; a null role (parameter absent) neither sends nor receives. */
    public static boolean reports(ObservedAddrRole sender, ObservedAddrRole receiver) {
        return sender != null && receiver != null && sender.sends() && receiver.receives();
    }
}
