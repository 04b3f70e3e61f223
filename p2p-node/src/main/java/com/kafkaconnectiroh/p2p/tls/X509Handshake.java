package com.kafkaconnectiroh.p2p.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a TLS 1.3 handshake that differ when the server authenticates with an ordinary X.509 certificate
 * (RFC 8446 §4.4.2, §4.4.3) instead of a raw key: the signature schemes a client offers, reading the server's
 * chain, and checking its CertificateVerify with the certificate's key. Used by QUIC address discovery only.
 */
final class X509Handshake {
    /** Most servers' certificates: Ed25519, ECDSA P-256/P-384, RSA (PSS for handshakes, PKCS#1 in chains). */
    static final int[] OFFERED_SCHEMES = {
            SignatureScheme.ED25519.code, SignatureScheme.ECDSA_SECP256R1_SHA256.code,
            SignatureScheme.ECDSA_SECP384R1_SHA384.code, SignatureScheme.RSA_PSS_RSAE_SHA256.code,
            SignatureScheme.RSA_PSS_RSAE_SHA384.code, SignatureScheme.RSA_PKCS1_SHA256,
            SignatureScheme.RSA_PKCS1_SHA384};
    /** A chain longer than this is not a server's (a leaf, a few intermediates). */
    private static final int MAX_CHAIN = 8;

    private X509Handshake() {
    }

    /** The server's certificates from its Certificate message (its own first); the context must be empty. */
    static List<X509Certificate> readChain(byte[] message) throws TlsException {
        TlsReader r = TlsSession.body(message);
        byte[] context = r.bytes8("certificate_request_context");
        TlsReader list = r.vector24("certificate_list");
        r.expectEnd();
        if (context.length != 0) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server Certificate has a non-empty context");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            while (list.hasRemaining()) {
                byte[] der = list.bytes24("cert_data");
                list.vector16("certificate entry extensions");
                if (chain.size() == MAX_CHAIN) {
                    throw new TlsException(TlsAlert.BAD_CERTIFICATE, "server chain longer than " + MAX_CHAIN);
                }
                chain.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException e) {
            throw new TlsException(TlsAlert.BAD_CERTIFICATE, "server sent a certificate that does not parse: "
                    + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new TlsException(TlsAlert.DECODE_ERROR, "server sent an empty Certificate");
        }
        return chain;
    }

    /** Checks a CertificateVerify made with {@code key} over {@code content} (RFC 8446 §4.4.3). */
    static void verify(byte[] message, byte[] content, PublicKey key) throws TlsException {
        TlsReader r = TlsSession.body(message);
        int code = r.u16("algorithm");
        byte[] signature = r.bytes16("signature");
        r.expectEnd();
        SignatureScheme scheme = SignatureScheme.of(code);
        if (scheme == null) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server CertificateVerify uses signature scheme "
                    + TlsSession.hex16(code) + ", which we did not offer for handshake signatures");
        }
        if (!scheme.fits(key)) {
            throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, "server CertificateVerify uses " + scheme
                    + ", which its " + key.getAlgorithm() + " certificate key cannot make");
        }
        boolean ok;
        try {
            Signature s = scheme.newSignature();
            s.initVerify(key);
            s.update(content);
            ok = s.verify(signature);
        } catch (GeneralSecurityException e) {
            ok = false;
        }
        if (!ok) {
            throw new TlsException(TlsAlert.DECRYPT_ERROR, "server CertificateVerify does not verify under its certificate key");
        }
    }

    /** Whether a client's signature_algorithms list offers {@code code}. */
    static boolean offers(TlsReader list, int code) throws TlsException {
        boolean found = false;
        while (list.hasRemaining()) {
            found |= list.u16("signature scheme") == code;
        }
        return found;
    }
}
