package com.kafkaconnectiroh.p2p.tls;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which X.509 servers a client believes: a set of trust anchors (the JDK's default trust store, plus CA
 * certificates given here, e.g. a test CA or a private relay's), a PKIX path check by the JDK (signatures,
 * validity, basic constraints; no revocation, as rustls-webpki in iroh does none either) and the server name
 * check of RFC 6125 against the certificate's subjectAltName (dNSName with a left-most wildcard, or iPAddress for
 * an address literal; the subject CN is not consulted, as in webpki). Immutable.
 */
public final class X509Trust {
    private final Set<TrustAnchor> anchors;

    private X509Trust(Set<TrustAnchor> anchors) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors: nothing could be verified");
        }
        this.anchors = Set.copyOf(anchors);
    }

    /** The JDK's default trust store (its {@code cacerts}), read once. */
    public static X509Trust jdkDefault() {
        return JdkDefault.TRUST;
    }

    /** Loaded on first use: reading cacerts takes tens of milliseconds. */
    private static final class JdkDefault {
        static final X509Trust TRUST = new X509Trust(jdkAnchors());
    }

    /** Only these CA certificates. */
    public static X509Trust of(Collection<X509Certificate> cas) {
        Set<TrustAnchor> a = new HashSet<>();
        for (X509Certificate c : cas) {
            a.add(new TrustAnchor(c, null));
        }
        return new X509Trust(a);
    }

    /** The JDK's default trust store plus the CA certificates in these PEM files. */
    public static X509Trust jdkDefaultPlus(List<Path> caFiles) throws IOException {
        Set<TrustAnchor> a = new HashSet<>(jdkAnchors());
        for (Path f : caFiles) {
            List<X509Certificate> certs = X509Credentials.readCertificates(f);
            if (certs.isEmpty()) {
                throw new IOException(f + " holds no PEM certificate");
            }
            for (X509Certificate c : certs) {
                a.add(new TrustAnchor(c, null));
            }
        }
        return new X509Trust(a);
    }

    private static Set<TrustAnchor> jdkAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            Set<TrustAnchor> a = new HashSet<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        a.add(new TrustAnchor(c, null));
                    }
                }
            }
            return a;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store cannot be read", e);
        }
    }

    /**
     * Checks a server's chain (its own certificate first) for {@code serverName} (a DNS name or an IP literal).
     * Failures are the alert RFC 8446 §6.2 names: unknown_ca, certificate_expired, bad_certificate.
     */
    void verify(List<X509Certificate> chain, String serverName) throws TlsException {
        X509Certificate leaf = chain.get(0);
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(path, params);
        } catch (CertPathValidatorException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
                throw new TlsException(TlsAlert.CERTIFICATE_EXPIRED, "server certificate " + leaf.getSubjectX500Principal()
                        + " is outside its validity (" + leaf.getNotBefore() + " .. " + leaf.getNotAfter() + ")");
            }
            boolean untrusted = e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR;
            throw new TlsException(untrusted ? TlsAlert.UNKNOWN_CA : TlsAlert.BAD_CERTIFICATE, "server certificate "
                    + leaf.getSubjectX500Principal() + " issued by " + leaf.getIssuerX500Principal()
                    + " does not chain to a trusted CA: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new TlsException(TlsAlert.BAD_CERTIFICATE, "server certificate chain cannot be checked: " + e.getMessage());
        }
        if (!matchesName(leaf, serverName)) {
            throw new TlsException(TlsAlert.BAD_CERTIFICATE, "server certificate is for " + subjectAltNames(leaf)
                    + ", not for " + serverName);
        }
    }

    /** RFC 6125 §6.4: subjectAltName only; an IP literal matches an iPAddress entry, a name a dNSName. */
    static boolean matchesName(X509Certificate cert, String serverName) {
        boolean ip = isIpLiteral(serverName);
        String wanted = ip ? canonicalIp(serverName) : asciiLower(serverName);
        for (List<?> san : sans(cert)) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (ip && type == 7 && wanted.equals(canonicalIp(value))) {
                return true;
            }
            if (!ip && type == 2 && dnsMatches(asciiLower(value), wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            // a wildcard stands for exactly one left-most label (RFC 6125 §6.4.3)
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1)) && pattern.indexOf('.', 2) > 0;
        }
        return pattern.equals(name);
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static String canonicalIp(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress(); // a literal: no lookup
        } catch (IOException e) {
            return literal;
        }
    }

    private static String asciiLower(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return IDN.toASCII(n, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }

    private static Collection<List<?>> sans(X509Certificate cert) {
        try {
            Collection<List<?>> s = cert.getSubjectAlternativeNames();
            return s == null ? List.of() : s;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static List<String> subjectAltNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        for (List<?> san : sans(cert)) {
            out.add(String.valueOf(san.get(1)));
        }
        return out.isEmpty() ? List.of("no subjectAltName") : out;
    }

    @Override
    public String toString() {
        return "X509Trust(" + anchors.size() + " anchors)";
    }
}
