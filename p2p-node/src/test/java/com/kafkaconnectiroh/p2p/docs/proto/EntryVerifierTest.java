package com.kafkaconnectiroh.p2p.docs.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batch verification of entries gives each entry the verdict {@link SignedEntry#verify()} gives it. */
class EntryVerifierTest {
    @Test
    void largeBatchesFindExactlyTheBadEntries() {
        NamespaceSecret ns = NamespaceSecret.generate();
        Author[] authors = {Author.generate(), Author.generate(), Author.generate()};
        Random rnd = new Random(42);
        for (int n : new int[] {10, 60, 500, 3000}) {
            List<SignedEntry> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                entries.add(SignedEntry.sign(ns, authors[i % 3], ("k" + i).getBytes(), new Record(4, Hash.of(("v" + i).getBytes()), 1000 + i)));
            }
            for (int bad = 0; bad < 3; bad++) {
                int i = rnd.nextInt(n);
                SignedEntry e = entries.get(i);
                entries.set(i, rnd.nextBoolean()
                        ? SignedEntry.of(e.id(), new Record(5, e.contentHash(), e.timestamp()), e.authorSignature(), e.namespaceSignature())
                        : SignedEntry.of(e.id(), e.record(), e.namespaceSignature(), e.authorSignature()));
            }
            boolean[] got = EntryVerifier.verify(entries);
            for (int i = 0; i < n; i++) {
                assertEquals(entries.get(i).verify(), got[i], "n=" + n + ", entry " + i);
            }
        }
    }
}
