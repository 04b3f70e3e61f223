package com.kafkaconnectiroh.p2p.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The TLS 1.3 signature schemes (RFC 8446 §4.2.3) we use with X.509 certificates, each with its JDK
 * {@link Signature}. Raw-public-key handshakes use only ed25519 and do not come here.
 */
enum SignatureScheme {
    ED25519(0x0807, "Ed25519", null, 0),
    ECDSA_SECP256R1_SHA256(0x0403, "SHA256withECDSA", null, 256),
    ECDSA_SECP384R1_SHA384(0x0503, "SHA384withECDSA", null, 384),
    RSA_PSS_RSAE_SHA256(0x0804, "RSASSA-PSS", new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1), 0),
    RSA_PSS_RSAE_SHA384(0x0805, "RSASSA-PSS", new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1), 0);

    /**
     * Certificate signatures only, never CertificateVerify (RFC 8446 §4.2.3): offered so that servers whose CA
     * signs with PKCS#1 (most RSA roots) still pick their chain; the JDK checks those signatures in the path.
     */
    static final int RSA_PKCS1_SHA256 = 0x0401;
    static final int RSA_PKCS1_SHA384 = 0x0501;

    final int code;
    private final String jdkName;
    private final PSSParameterSpec pss;
    /** The curve size an ECDSA scheme requires of the key (RFC 8446 binds the curve to the scheme). */
    private final int ecBits;

    SignatureScheme(int code, String jdkName, PSSParameterSpec pss, int ecBits) {
        this.code = code;
        this.jdkName = jdkName;
        this.pss = pss;
        this.ecBits = ecBits;
    }

    static SignatureScheme of(int code) {
        for (SignatureScheme s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }

    Signature newSignature() throws GeneralSecurityException {
        Signature s = Signature.getInstance(jdkName);
        if (pss != null) {
            s.setParameter(pss);
        }
        return s;
    }

    /** Whether a CertificateVerify under this scheme may come from {@code key}. */
    boolean fits(PublicKey key) {
        return switch (this) {
            case ED25519 -> key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
            case ECDSA_SECP256R1_SHA256, ECDSA_SECP384R1_SHA384 -> key instanceof ECPublicKey ec
                    && ec.getParams().getCurve().getField().getFieldSize() == ecBits;
            case RSA_PSS_RSAE_SHA256, RSA_PSS_RSAE_SHA384 -> key instanceof RSAKey && key.getAlgorithm().equals("RSA");
        };
    }

    /** The scheme a server key signs with, or null if we cannot use it. */
    static SignatureScheme forKey(PrivateKey key) {
        String alg = key.getAlgorithm();
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            return ED25519;
        }
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits == 256 ? ECDSA_SECP256R1_SHA256 : bits == 384 ? ECDSA_SECP384R1_SHA384 : null;
        }
        if (key instanceof RSAKey) {
            return RSA_PSS_RSAE_SHA256;
        }
        return null;
    }

    /** Whether {@code key} signs for {@code cert}: a test signature verified under the certificate's key. */
    static boolean keysMatch(X509Certificate cert, PrivateKey key) {
        SignatureScheme s = forKey(key);
        if (s == null || !s.fits(cert.getPublicKey())) {
            return false;
        }
        try {
            byte[] probe = "kafka-connect-iroh key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature sign = s.newSignature();
            sign.initSign(key);
            sign.update(probe);
            byte[] sig = sign.sign();
            Signature verify = s.newSignature();
            verify.initVerify(cert.getPublicKey());
            verify.update(probe);
            return verify.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
