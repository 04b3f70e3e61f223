package com.kafkaconnectiroh.p2p.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The fixed test CA and server certificates in {@code src/test/resources/qad} (made by its {@code make-certs.sh},
 * valid 100 years): {@code ca.pem} signs {@code server} (EC P-256) and {@code server-ed25519} for localhost,
 * 127.0.0.1 and ::1; {@code untrusted} comes from {@code other-ca.pem}, which tests do not trust.
 */
public final class TestCertificates {
    private TestCertificates() {
    }

    public static Path file(String name) {
        URL url = TestCertificates.class.getResource("/qad/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource qad/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Credentials {@code <name>.pem} + {@code <name>.key}. */
    public static X509Credentials credentials(String name) {
        try {
            return X509Credentials.fromPem(file(name + ".pem"), file(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trusts only the test CA. */
    public static X509Trust testCa() {
        try {
            return X509Trust.of(X509Credentials.readCertificates(file("ca.pem")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
