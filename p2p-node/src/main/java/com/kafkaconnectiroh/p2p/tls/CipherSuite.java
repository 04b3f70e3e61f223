package com.kafkaconnectiroh.p2p.tls;

/** The TLS 1.3 cipher suites we negotiate (RFC 8446 §B.4), with what QUIC packet protection needs of each. */
public enum CipherSuite {
    TLS_AES_128_GCM_SHA256(0x1301, "AES/GCM/NoPadding", 16, "HmacSHA256", "SHA-256", 32),
    TLS_AES_256_GCM_SHA384(0x1302, "AES/GCM/NoPadding", 32, "HmacSHA384", "SHA-384", 48),
    TLS_CHACHA20_POLY1305_SHA256(0x1303, "ChaCha20-Poly1305", 32, "HmacSHA256", "SHA-256", 32);

    /** IANA code point. */
    public final int code;
    /** JCA transformation for the AEAD. */
    public final String aeadTransformation;
    public final int keyLength;
    /** JCA MAC name of the HKDF hash. */
    public final String hmacAlgorithm;
    /** JCA digest name of the transcript hash. */
    public final String hashAlgorithm;
    public final int hashLength;

    CipherSuite(int code, String aeadTransformation, int keyLength, String hmacAlgorithm, String hashAlgorithm, int hashLength) {
        this.code = code;
        this.aeadTransformation = aeadTransformation;
        this.keyLength = keyLength;
        this.hmacAlgorithm = hmacAlgorithm;
        this.hashAlgorithm = hashAlgorithm;
        this.hashLength = hashLength;
    }

    public boolean isChaCha() {
        return this == TLS_CHACHA20_POLY1305_SHA256;
    }

    /** The suite with this code point, or null if we do not support it. */
    public static CipherSuite fromCode(int code) {
        for (CipherSuite s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
