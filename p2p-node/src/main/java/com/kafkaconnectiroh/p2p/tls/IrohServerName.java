package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.Base32;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.util.Optional;

/**
 * The TLS server name iroh dials an endpoint by: {@code <base32hex-lower-nopad(id)>.iroh.invalid}
 * (iroh {@code iroh/src/tls/name.rs}, identical in 0.35 and 1.x). A DNS label holds at most 63 characters, so the
 * 52-character base32 form is used instead of 64-character hex.
 */
public final class IrohServerName {
    private static final String SUFFIX = ".iroh.invalid";

    private IrohServerName() {
    }

    public static String encode(EndpointId id) {
        return Base32.HEX.encode(id.toBytes()) + SUFFIX;
    }

    /** The endpoint a name designates, or empty if the name is not of the iroh form or the key is invalid. */
    public static Optional<EndpointId> decode(String name) {
        if (name == null || !name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String label = name.substring(0, name.length() - SUFFIX.length());
        if (label.length() != 52 || label.indexOf('.') >= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(EndpointId.fromBytes(Base32.HEX.decode(label)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
