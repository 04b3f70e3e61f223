package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.crypto.Ed25519Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Verifies the two signatures of many entries at once: in chunks by batch verification ({@link Ed25519Batch},
 * several times faster than one by one), the chunks spread over the cores. A chunk that fails is checked entry by
 * entry to find the bad ones, so the verdict per entry is the same as {@link SignedEntry#verify()}'s (up to the
 * cofactor, see {@link Ed25519Batch}). Small lists are verified one by one (a batch has a fixed cost).
 */
public final class EntryVerifier {
    /** Below this many entries a batch costs more than it saves. */
    static final int MIN_BATCH = 48;
    /** Larger batches need fewer additions per signature; one chunk per core is the most that runs at once. */
    static final int MAX_CHUNK = 4096;

    private EntryVerifier() {
    }

    /** Element i tells whether entry i's namespace and author signatures are both valid. */
    public static boolean[] verify(List<SignedEntry> entries) {
        int n = entries.size();
        boolean[] ok = new boolean[n];
        if (n < MIN_BATCH) {
            for (int i = 0; i < n; i++) {
                ok[i] = entries.get(i).verify();
            }
            return ok;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int chunk = Math.max(MIN_BATCH, Math.min(MAX_CHUNK, (n + cores - 1) / cores));
        int chunks = (n + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * chunk;
            int to = Math.min(n, from + chunk);
            if (batchOk(entries, from, to)) {
                for (int i = from; i < to; i++) {
                    ok[i] = true;
                }
            } else {
                for (int i = from; i < to; i++) {
                    ok[i] = entries.get(i).verify();
                }
            }
        });
        return ok;
    }

    private static boolean batchOk(List<SignedEntry> entries, int from, int to) {
        int m = 2 * (to - from);
        List<byte[]> keys = new ArrayList<>(m);
        List<byte[]> messages = new ArrayList<>(m);
        List<byte[]> signatures = new ArrayList<>(m);
        for (int i = from; i < to; i++) {
            SignedEntry e = entries.get(i);
            byte[] msg = SignedEntry.signedBytes(e.id(), e.record());
            byte[] id = e.id().bytes();
            keys.add(java.util.Arrays.copyOfRange(id, 0, KeyBytes.LENGTH));
            messages.add(msg);
            signatures.add(e.namespaceSignature());
            keys.add(java.util.Arrays.copyOfRange(id, KeyBytes.LENGTH, RecordIdentifier.KEY_OFFSET));
            messages.add(msg);
            signatures.add(e.authorSignature());
        }
        return Ed25519Batch.verifyAll(keys, messages, signatures);
    }
}
