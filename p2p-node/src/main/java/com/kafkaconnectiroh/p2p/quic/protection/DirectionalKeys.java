package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;

/** Packet and header protection for one direction at one encryption level. */
public record DirectionalKeys(PacketKey packet, HeaderProtection header) {

    /** Derives key, IV and header protection key from a traffic secret (RFC 9001 §5.1). */
    public static DirectionalKeys fromSecret(CipherSuite suite, byte[] secret) {
        Hkdf hkdf = Hkdf.forHmac(suite.hmacAlgorithm);
        return new DirectionalKeys(packetKey(suite, secret),
                new HeaderProtection(suite, hkdf.expandLabel(secret, "quic hp", null, suite.keyLength)));
    }

    /** Only the AEAD part; header protection keys survive key updates (RFC 9001 §6). */
    public static PacketKey packetKey(CipherSuite suite, byte[] secret) {
        Hkdf hkdf = Hkdf.forHmac(suite.hmacAlgorithm);
        return new PacketKey(suite, hkdf.expandLabel(secret, "quic key", null, suite.keyLength),
                hkdf.expandLabel(secret, "quic iv", null, 12));
    }

    /** The next generation's secret for a key update (RFC 9001 §6.1, label "quic ku"). */
    public static byte[] nextSecret(CipherSuite suite, byte[] secret) {
        return Hkdf.forHmac(suite.hmacAlgorithm).expandLabel(secret, "quic ku", null, suite.hashLength);
    }
}
