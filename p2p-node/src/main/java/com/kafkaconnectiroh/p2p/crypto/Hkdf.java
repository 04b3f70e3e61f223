package com.kafkaconnectiroh.p2p.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1), over a JCA HMAC. */
public final class Hkdf {
    private final String hmacAlgorithm;
    private final int hashLength;
    /** Mac.getInstance costs more than the HMAC of a short input; each thread keeps one instance. */
    private final ThreadLocal<Mac> macs;

    public static final Hkdf SHA256 = new Hkdf("HmacSHA256", 32);
    public static final Hkdf SHA384 = new Hkdf("HmacSHA384", 48);

    private Hkdf(String hmacAlgorithm, int hashLength) {
        this.hmacAlgorithm = hmacAlgorithm;
        this.hashLength = hashLength;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                return Mac.getInstance(hmacAlgorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
            }
        });
    }

    public static Hkdf forHmac(String hmacAlgorithm) {
        switch (hmacAlgorithm) {
            case "HmacSHA256":
                return SHA256;
            case "HmacSHA384":
                return SHA384;
            default:
                throw new IllegalArgumentException("unsupported HKDF hash " + hmacAlgorithm);
        }
    }

    public int hashLength() {
        return hashLength;
    }

    public byte[] extract(byte[] salt, byte[] ikm) {
        byte[] s = salt == null || salt.length == 0 ? new byte[hashLength] : salt;
        return hmac(s, ikm);
    }

    public byte[] expand(byte[] prk, byte[] info, int length) {
        if (length > 255 * hashLength) {
            throw new IllegalArgumentException("HKDF output too long: " + length);
        }
        try {
            Mac mac = macs.get();
            mac.init(new SecretKeySpec(prk, hmacAlgorithm));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
        }
    }

    /** HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix. */
    public byte[] expandLabel(byte[] secret, String label, byte[] context, int length) {
        byte[] l = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] ctx = context == null ? new byte[0] : context;
        byte[] info = new byte[2 + 1 + l.length + 1 + ctx.length];
        info[0] = (byte) (length >>> 8);
        info[1] = (byte) length;
        info[2] = (byte) l.length;
        System.arraycopy(l, 0, info, 3, l.length);
        info[3 + l.length] = (byte) ctx.length;
        System.arraycopy(ctx, 0, info, 4 + l.length, ctx.length);
        return expand(secret, info, length);
    }

    public byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = macs.get();
            mac.init(new SecretKeySpec(key, hmacAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(hmacAlgorithm + " unavailable", e);
        }
    }
}
