package com.kafkaconnectiroh.p2p.quic.packet;

import com.kafkaconnectiroh.p2p.tls.EncryptionLevel;

/** QUIC v1 packet types (RFC 9000 §17). */
public enum PacketType {
    INITIAL(0),
    ZERO_RTT(1),
    HANDSHAKE(2),
    RETRY(3),
    VERSION_NEGOTIATION(-1),
    ONE_RTT(-1);

    /** The two type bits of a v1 long header, or -1. */
    public final int longTypeBits;

    PacketType(int longTypeBits) {
        this.longTypeBits = longTypeBits;
    }

    public static PacketType fromLongTypeBits(int bits) {
        return switch (bits) {
            case 0 -> INITIAL;
            case 1 -> ZERO_RTT;
            case 2 -> HANDSHAKE;
            default -> RETRY;
        };
    }

    public EncryptionLevel level() {
        return switch (this) {
            case INITIAL -> EncryptionLevel.INITIAL;
            case ZERO_RTT -> EncryptionLevel.EARLY_DATA;
            case HANDSHAKE -> EncryptionLevel.HANDSHAKE;
            case ONE_RTT -> EncryptionLevel.APPLICATION;
            default -> null;
        };
    }
}
