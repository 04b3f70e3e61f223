package com.kafkaconnectiroh.p2p.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** ALPN protocol-name lists (RFC 7301 §3.1): 1 to 255 bytes each, the encoded list at most 2^16-1 bytes. */
final class Alpn {
    private Alpn() {
    }

    static List<byte[]> copyAndValidate(List<byte[]> alpns, String whose) {
        if (alpns == null || alpns.isEmpty()) {
            throw new IllegalArgumentException(whose + " needs at least one ALPN protocol");
        }
        List<byte[]> out = new ArrayList<>(alpns.size());
        int total = 0;
        for (byte[] p : alpns) {
            if (p == null || p.length == 0 || p.length > 255) {
                throw new IllegalArgumentException("ALPN protocol names must be 1..255 bytes, got "
                        + (p == null ? "null" : p.length + " bytes"));
            }
            total += 1 + p.length;
            out.add(p.clone());
        }
        if (total > 0xFFFF) {
            throw new IllegalArgumentException("ALPN list too long: " + total + " bytes");
        }
        return Collections.unmodifiableList(out);
    }

    static boolean contains(List<byte[]> list, byte[] p) {
        for (byte[] q : list) {
            if (Arrays.equals(q, p)) {
                return true;
            }
        }
        return false;
    }

    /** For messages: printable names as text, others as hex. */
    static String show(byte[] p) {
        for (byte b : p) {
            if (b < 0x20 || b > 0x7E) {
                return "0x" + com.kafkaconnectiroh.p2p.base.Hex.encode(p);
            }
        }
        return new String(p, StandardCharsets.US_ASCII);
    }

    static String show(List<byte[]> list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(list.size(), 16); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(show(list.get(i)));
        }
        if (list.size() > 16) {
            sb.append(", … ").append(list.size() - 16).append(" more");
        }
        return sb.append(']').toString();
    }
}
