package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.crypto.Hkdf;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;

/** Initial packet protection, derived from the client's first Destination Connection ID (RFC 9001 §5.2). */
public final class InitialSecrets {
    /** QUIC v1 initial_salt. */
    private static final byte[] SALT_V1 = {
        0x38, 0x76, 0x2c, (byte) 0xf7, (byte) 0xf5, 0x59, 0x34, (byte) 0xb3, 0x4d, 0x17,
        (byte) 0x9a, (byte) 0xe6, (byte) 0xa4, (byte) 0xc8, 0x0c, (byte) 0xad, (byte) 0xcc, (byte) 0xbb, 0x7f, 0x0a
    };

    private InitialSecrets() {
    }

    /** {@code [client secret, server secret]} for this DCID. */
    public static byte[][] secrets(byte[] clientDcid) {
        byte[] initial = Hkdf.SHA256.extract(SALT_V1, clientDcid);
        return new byte[][] {
            Hkdf.SHA256.expandLabel(initial, "client in", null, 32),
            Hkdf.SHA256.expandLabel(initial, "server in", null, 32)
        };
    }

    /** Keys for what the client sends. */
    public static DirectionalKeys clientKeys(byte[] clientDcid) {
        return DirectionalKeys.fromSecret(CipherSuite.TLS_AES_128_GCM_SHA256, secrets(clientDcid)[0]);
    }

    /** Keys for what the server sends. */
    public static DirectionalKeys serverKeys(byte[] clientDcid) {
        return DirectionalKeys.fromSecret(CipherSuite.TLS_AES_128_GCM_SHA256, secrets(clientDcid)[1]);
    }
}
