package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.Record;
import com.kafkaconnectiroh.p2p.docs.proto.RecordIdentifier;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;

/**
 * An entry as the {@code entries} map holds it, keyed by its record identifier: {@code timestamp u64 BE ‖ len u64
 * BE ‖ hash[32] ‖ author_sig[64] ‖ namespace_sig[64] ‖ seq u64 BE ‖ fingerprint[32]} (216 bytes). The local change
 * sequence number and the reconciliation fingerprint are kept beside the signed parts so that neither a change feed
 * nor a range fingerprint needs anything else.
 */
final class EntryValue {
    static final int LENGTH = 8 + 8 + 32 + 64 + 64 + 8 + 32;
    private static final int HASH = 16;
    private static final int AUTHOR_SIG = HASH + 32;
    private static final int NS_SIG = AUTHOR_SIG + 64;
    private static final int SEQ = NS_SIG + 64;
    static final int FINGERPRINT = SEQ + 8;

    private EntryValue() {
    }

    static byte[] encode(SignedEntry e, long seq) {
        byte[] v = new byte[LENGTH];
        StoreKeys.putLong(v, 0, e.timestamp());
        StoreKeys.putLong(v, 8, e.contentLen());
        e.contentHash().copyTo(v, HASH);
        System.arraycopy(e.authorSignature(), 0, v, AUTHOR_SIG, 64);
        System.arraycopy(e.namespaceSignature(), 0, v, NS_SIG, 64);
        StoreKeys.putLong(v, SEQ, seq);
        System.arraycopy(e.fingerprint(), 0, v, FINGERPRINT, 32);
        return v;
    }

    static Record record(byte[] v) {
        return new Record(StoreKeys.getLong(v, 8), Hash.fromBytes(v, HASH), StoreKeys.getLong(v, 0));
    }

    static long timestamp(byte[] v) {
        return StoreKeys.getLong(v, 0);
    }

    static long seq(byte[] v) {
        return StoreKeys.getLong(v, SEQ);
    }

    static SignedEntry entry(byte[] id, byte[] v) {
        return SignedEntry.of(RecordIdentifier.fromBytes(id), record(v),
                java.util.Arrays.copyOfRange(v, AUTHOR_SIG, AUTHOR_SIG + 64),
                java.util.Arrays.copyOfRange(v, NS_SIG, NS_SIG + 64));
    }

    /** XORs this entry's fingerprint into {@code acc}. */
    static void xorFingerprint(byte[] v, byte[] acc) {
        for (int i = 0; i < 32; i++) {
            acc[i] ^= v[FINGERPRINT + i];
        }
    }
}
