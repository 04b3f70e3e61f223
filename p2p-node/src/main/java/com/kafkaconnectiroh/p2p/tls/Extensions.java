package com.kafkaconnectiroh.p2p.tls;

/**
 * One parsed extension block (RFC 8446 §4.2): the types in wire order and where each body lies. Rejects a type
 * that appears twice, which §4.2 forbids in any block.
 */
final class Extensions {
    private static final int MAX_EXTENSIONS = 64;

    private final byte[] buf;
    private final String where;
    private final int[] types;
    private final int[] offsets;
    private final int[] lengths;
    private final int count;

    private Extensions(byte[] buf, String where, int[] types, int[] offsets, int[] lengths, int count) {
        this.buf = buf;
        this.where = where;
        this.types = types;
        this.offsets = offsets;
        this.lengths = lengths;
        this.count = count;
    }

    /** Reads {@code Extension extensions<0..2^16-1>} from {@code r}. */
    static Extensions read(TlsReader r, String where) throws TlsException {
        TlsReader block = r.vector16("extensions");
        int[] types = new int[8];
        int[] offsets = new int[8];
        int[] lengths = new int[8];
        int n = 0;
        while (block.hasRemaining()) {
            int type = block.u16("extension type");
            int len = block.u16("extension length");
            int off = block.position();
            block.skip(len, ExtensionType.name(type));
            for (int i = 0; i < n; i++) {
                if (types[i] == type) {
                    throw new TlsException(TlsAlert.ILLEGAL_PARAMETER, where + " repeats " + ExtensionType.name(type));
                }
            }
            if (n == MAX_EXTENSIONS) {
                throw new TlsException(TlsAlert.DECODE_ERROR, where + " has more than " + MAX_EXTENSIONS + " extensions");
            }
            if (n == types.length) {
                types = java.util.Arrays.copyOf(types, n * 2);
                offsets = java.util.Arrays.copyOf(offsets, n * 2);
                lengths = java.util.Arrays.copyOf(lengths, n * 2);
            }
            types[n] = type;
            offsets[n] = off;
            lengths[n] = len;
            n++;
        }
        return new Extensions(block.array(), where, types, offsets, lengths, n);
    }

    int count() {
        return count;
    }

    int type(int i) {
        return types[i];
    }

    boolean has(int type) {
        return indexOf(type) >= 0;
    }

    private int indexOf(int type) {
        for (int i = 0; i < count; i++) {
            if (types[i] == type) {
                return i;
            }
        }
        return -1;
    }

    /** A reader over the body of {@code type}, or null if absent. */
    TlsReader find(int type) {
        int i = indexOf(type);
        return i < 0 ? null : new TlsReader(buf, offsets[i], lengths[i], where + " " + ExtensionType.name(type));
    }

    /** Like {@link #find} but the extension must be present. */
    TlsReader require(int type) throws TlsException {
        TlsReader r = find(type);
        if (r == null) {
            throw new TlsException(TlsAlert.MISSING_EXTENSION, where + " lacks the " + ExtensionType.name(type) + " extension");
        }
        return r;
    }

    /** Fails with unsupported_extension on any type not in {@code allowed} (a response we did not ask for). */
    void allowOnly(int... allowed) throws TlsException {
        outer:
        for (int i = 0; i < count; i++) {
            for (int a : allowed) {
                if (types[i] == a) {
                    continue outer;
                }
            }
            throw new TlsException(TlsAlert.UNSUPPORTED_EXTENSION,
                    where + " carries " + ExtensionType.name(types[i]) + ", which we did not offer or which is not allowed there");
        }
    }
}
