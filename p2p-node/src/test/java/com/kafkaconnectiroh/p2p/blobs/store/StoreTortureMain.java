package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * Child JVM for {@link StoreCrashTest}: works a file store as hard as it can (imports three ways, downloads in
 * pieces, completions, tags, garbage collection) until killed. Prints {@code ready}, then one line per operation.
 */
public final class StoreTortureMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        Path scratch = Files.createDirectories(Path.of(args[2]));
        byte[][] corpus = new byte[Corpus.COUNT][];
        for (int i = 0; i < Corpus.COUNT; i++) {
            corpus[i] = Corpus.blob(i);
        }
        FsBlobStore store = FsBlobStore.open(dir, new FsBlobStore.Options(128 * 1024, Duration.ofMillis(20)));
        System.out.println("ready");
        System.out.flush();
        for (long n = 0; ; n++) {
            int i = rnd.nextInt(Corpus.COUNT);
            byte[] data = corpus[i];
            Hash h = Hash.of(data);
            int op = rnd.nextInt(12);
            String what;
            if (op <= 1) {
                try (TempTag t = store.importBytes(data, BlobFormat.RAW)) {
                    store.setTag("t" + i, t.content());
                }
                what = "import-bytes";
            } else if (op == 2) {
                Path f = scratch.resolve("src-" + n);
                Files.write(f, data);
                try (TempTag t = store.importPath(f, BlobFormat.RAW)) {
                    store.setTag("t" + i, t.content());
                }
                Files.delete(f);
                what = "import-path";
            } else if (op == 3) {
                store.importStream(new ByteArrayInputStream(data), BlobFormat.RAW).close();
                what = "import-stream-untagged";
            } else if (op <= 8) {
                what = download(store, h, data, rnd);
            } else if (op == 9) {
                store.deleteTag("t" + i);
                what = "untag";
            } else if (op == 10) {
                store.setTag("t" + i, HashAndFormat.raw(h));
                what = "tag";
            } else {
                what = "gc " + store.gc();
            }
            System.out.println("op " + n + " " + what + " " + i);
            System.out.flush();
        }
    }

    /** Feeds part or all of what is missing, as a download would, and completes if it can. */
    private static String download(FsBlobStore store, Hash h, byte[] data, Random rnd) throws Exception {
        Optional<PartialBlob> w;
        try {
            w = store.openPartial(h);
        } catch (BlobBusyException e) {
            return "busy";
        }
        if (w.isEmpty()) {
            return "complete-already";
        }
        try (PartialBlob p = w.get()) {
            ChunkRanges missing = p.missing();
            byte[] resp = LocalTransfer.response(data, missing);
            int limit = rnd.nextBoolean() ? resp.length : rnd.nextInt(resp.length + 1);
            try {
                LocalTransfer.feed(p, h, missing, resp, limit, 16 * 1024 + rnd.nextInt(50_000));
            } catch (BaoDecodeException e) {
                throw new IllegalStateException("honest data failed to verify", e);
            }
            store.setTag("t" + Math.abs(h.hashCode() % 7), HashAndFormat.raw(h));
            return p.commit() ? "download-complete" : "download-partial";
        }
    }
}
