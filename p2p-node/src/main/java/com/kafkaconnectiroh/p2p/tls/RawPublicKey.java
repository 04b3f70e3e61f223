package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;

/**
 * The certificate a raw-public-key Certificate entry carries (RFC 7250 §3): a DER SubjectPublicKeyInfo. iroh only
 * uses Ed25519 (RFC 8410), whose SPKI is a fixed 12-byte prefix followed by the 32-byte key.
 */
final class RawPublicKey {
    /** SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) 32 bytes }. */
    private static final byte[] ED25519_SPKI_PREFIX = Hex.decode("302a300506032b6570032100");
    static final int ED25519_SPKI_LEN = ED25519_SPKI_PREFIX.length + EndpointId.LENGTH;

    private RawPublicKey() {
    }

    static byte[] encode(EndpointId id) {
        byte[] spki = new byte[ED25519_SPKI_LEN];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(id.toBytes(), 0, spki, ED25519_SPKI_PREFIX.length, EndpointId.LENGTH);
        return spki;
    }

    /**
     * The Ed25519 key in {@code spki}. Another algorithm is unsupported_certificate; anything that is not exactly
     * the Ed25519 SPKI form, or a key that is not a curve point, is bad_certificate.
     */
    static EndpointId decode(byte[] spki, String whose) throws TlsException {
        if (spki.length == ED25519_SPKI_LEN && startsWithPrefix(spki)) {
            byte[] key = new byte[EndpointId.LENGTH];
            System.arraycopy(spki, ED25519_SPKI_PREFIX.length, key, 0, key.length);
            try {
                return EndpointId.fromBytes(key);
            } catch (IllegalArgumentException e) {
                throw new TlsException(TlsAlert.BAD_CERTIFICATE, whose + " raw public key " + Hex.encode(key) + " is not a valid Ed25519 point");
            }
        }
        String oid = algorithmOid(spki);
        if (oid != null && !oid.equals("1.3.101.112")) {
            throw new TlsException(TlsAlert.UNSUPPORTED_CERTIFICATE,
                    whose + " raw public key has algorithm " + oid + ", expected Ed25519 (1.3.101.112)");
        }
        throw new TlsException(TlsAlert.BAD_CERTIFICATE, whose + " raw public key is not a " + ED25519_SPKI_LEN
                + "-byte Ed25519 SubjectPublicKeyInfo: got " + spki.length + " bytes "
                + Hex.encode(spki, 0, Math.min(spki.length, 16)) + (spki.length > 16 ? "…" : ""));
    }

    private static boolean startsWithPrefix(byte[] spki) {
        for (int i = 0; i < ED25519_SPKI_PREFIX.length; i++) {
            if (spki[i] != ED25519_SPKI_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /** The dotted algorithm OID of a DER SubjectPublicKeyInfo, or null if it does not parse that far. */
    static String algorithmOid(byte[] der) {
        int[] pos = {0};
        if (!enter(der, pos, 0x30) || !enter(der, pos, 0x30)) {
            return null;
        }
        int len = header(der, pos, 0x06);
        if (len <= 0 || pos[0] + len > der.length) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        int first = der[pos[0]] & 0xFF;
        sb.append(Math.min(first / 40, 2)).append('.').append(first - 40 * Math.min(first / 40, 2));
        long arc = 0;
        for (int i = 1; i < len; i++) {
            int b = der[pos[0] + i] & 0xFF;
            arc = (arc << 7) | (b & 0x7F);
            if (arc > Integer.MAX_VALUE) {
                return null;
            }
            if ((b & 0x80) == 0) {
                sb.append('.').append(arc);
                arc = 0;
            }
        }
        return sb.toString();
    }

    private static boolean enter(byte[] der, int[] pos, int tag) {
        int len = header(der, pos, tag);
        return len >= 0 && pos[0] + len <= der.length;
    }

    /** Reads tag and DER length at pos; returns the content length (pos moves to the content) or -1. */
    private static int header(byte[] der, int[] pos, int tag) {
        int p = pos[0];
        if (p + 2 > der.length || (der[p] & 0xFF) != tag) {
            return -1;
        }
        int len = der[p + 1] & 0xFF;
        p += 2;
        if (len >= 0x80) {
            int n = len & 0x7F;
            if (n == 0 || n > 2 || p + n > der.length) {
                return -1;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[p++] & 0xFF);
            }
        }
        pos[0] = p;
        return len;
    }
}
