package com.kafkaconnectiroh.p2p.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A server's ordinary X.509 certificate chain and private key, for handshakes with clients that verify a
 * certificate instead of a raw key: QUIC address discovery, where an iroh relay presents its HTTPS certificate
 * (IROH-WIRE-MAP-RELAY §2.1). The key signs CertificateVerify with the scheme its type allows (RFC 8446 §4.2.3):
 * Ed25519 with ed25519, an EC P-256 key with ecdsa_secp256r1_sha256, RSA with rsa_pss_rsae_sha256. The JDK parses
 * the certificates and signs; nothing here reads ASN.1 by hand.
 */
public final class X509Credentials {
    private final List<X509Certificate> chain;
    private final List<byte[]> encoded;
    private final PrivateKey key;
    private final SignatureScheme scheme;

    public X509Credentials(List<X509Certificate> chain, PrivateKey key) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's own certificate");
        }
        this.chain = List.copyOf(chain);
        this.key = Objects.requireNonNull(key, "key");
        this.scheme = SignatureScheme.forKey(key);
        if (scheme == null) {
            throw new IllegalArgumentException("private key of type " + key.getAlgorithm()
                    + " is not supported: use Ed25519, EC P-256 or RSA");
        }
        List<byte[]> der = new ArrayList<>();
        for (X509Certificate c : this.chain) {
            try {
                der.add(c.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate " + c.getSubjectX500Principal() + " cannot be encoded", e);
            }
        }
        this.encoded = der;
        if (!SignatureScheme.keysMatch(chain.get(0), key)) {
            throw new IllegalArgumentException("the private key does not belong to the certificate "
                    + chain.get(0).getSubjectX500Principal());
        }
    }

    /**
     * Reads a PEM certificate chain (the server's certificate first, then its intermediates) and a PEM PKCS#8
     * private key ({@code -----BEGIN PRIVATE KEY-----}, as {@code openssl genpkey} and certbot write it).
     */
    public static X509Credentials fromPem(Path certificateChain, Path privateKey) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateChain);
        if (chain.isEmpty()) {
            throw new IOException(certificateChain + " holds no PEM certificate");
        }
        return new X509Credentials(chain, readPrivateKey(privateKey));
    }

    /** Every certificate in a PEM (or DER) file, in file order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** A PEM PKCS#8 private key (Ed25519, EC or RSA). */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            String hint = pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")
                    ? " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)" : "";
            throw new IOException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----)" + hint);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad base64 in the private key: " + e.getMessage(), e);
        }
        for (String alg : List.of("Ed25519", "EC", "RSA")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + " holds a private key that is not Ed25519, EC or RSA");
    }

    /** The chain as sent: DER certificates, the server's first. */
    List<byte[]> encodedChain() {
        return encoded;
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    SignatureScheme scheme() {
        return scheme;
    }

    /** Signs a CertificateVerify's content (RFC 8446 §4.4.3). */
    byte[] sign(byte[] content) {
        try {
            Signature s = scheme.newSignature();
            s.initSign(key);
            s.update(content);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + scheme + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "X509Credentials(" + chain.get(0).getSubjectX500Principal() + ", " + chain.size() + " certificates, "
                + scheme + ")";
    }
}
