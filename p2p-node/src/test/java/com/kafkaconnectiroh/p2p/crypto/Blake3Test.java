package com.kafkaconnectiroh.p2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BLAKE3 against the Rust reference ({@code b3sum}) and a few published values, through every public path. */
class Blake3Test {
    /** Key and context of the official BLAKE3 test vectors (BLAKE3-team/BLAKE3 test_vectors/test_vectors.json). */
    static final byte[] KEY = "whats the Elvish word for friend".getBytes(StandardCharsets.US_ASCII);
    static final String CONTEXT = "BLAKE3 2019-12-27 16:29:52 test vectors context";
    /** The official vectors' input lengths: every chunk/block boundary case up to 100 KiB. */
    static final int[] OFFICIAL_LENGTHS = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097,
        5120, 5121, 6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400,
    };
    /** The official vectors' extended output length. */
    static final int XOF_LEN = 131;

    @TempDir
    Path tmp;

    /** The official vectors' input: byte i is i mod 251. */
    static byte[] officialInput(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    @Test
    void kernelMatchesWhatThisRunExpects() {
        // Surefire runs this class twice: with --add-modules jdk.incubator.vector (expect vector) and without.
        // "default": the kernel that runs until SIMD is warm (lanes on x86-64, scalar elsewhere).
        String expected = System.getProperty("blake3.expect.kernel");
        if ("default".equals(expected)) {
            expected = Blake3Kernels.defaultKernel().name();
        }
        if (expected != null) {
            assertTrue(Blake3.implementation().startsWith(expected),
                    "expected a " + expected + " kernel, got " + Blake3.implementation());
        }
    }

    @Test
    void publishedValues() {
        // First 32 bytes of the official test_vectors.json entries (hash, keyed_hash, derive_key).
        assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
                Hex.encode(Blake3.hash(new byte[0])));
        assertEquals("d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
                Hex.encode(Blake3.hash(officialInput(1025))));
        assertEquals("bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
                Hex.encode(Blake3.hash(officialInput(102400))));
        assertEquals("c951ecdf03288d0fcc96ee3413563d8a6d3589547f2c2fb36d9786470f1b9d6e",
                Hex.encode(Blake3.newKeyedHasher(KEY).update(officialInput(1023)).digest()));
        assertEquals("effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb",
                Hex.encode(Blake3.newDeriveKeyHasher(CONTEXT).update(officialInput(1025)).digest()));
    }

    @Test
    void officialCasesAgainstB3sum() throws IOException {
        Random rnd = new Random(1);
        for (int len : OFFICIAL_LENGTHS) {
            byte[] input = officialInput(len);
            Path f = tmp.resolve("in" + len);
            Files.write(f, input);
            String hash = B3sum.run(f, XOF_LEN, null);
            String keyed = B3sum.run(f, XOF_LEN, KEY, "--keyed");
            String derived = B3sum.run(f, XOF_LEN, null, "--derive-key", CONTEXT);

            assertEquals(hash, xof(feedInPieces(Blake3.newHasher(), input, rnd)), "hash, len " + len);
            assertEquals(keyed, xof(feedInPieces(Blake3.newKeyedHasher(KEY), input, rnd)), "keyed, len " + len);
            assertEquals(derived, xof(feedInPieces(Blake3.newDeriveKeyHasher(CONTEXT), input, rnd)),
                    "derive_key, len " + len);
            assertEquals(hash.substring(0, 64), Hex.encode(Blake3.hash(input)), "one-shot, len " + len);
            assertEquals(hash.substring(0, 64), Hex.encode(Blake3.hashParallel(input)), "parallel, len " + len);
        }
    }

    @Test
    void lengthsAroundEveryBoundaryAgainstB3sum() throws IOException {
        // Every power of two of chunks up to 128 KiB, +-1 byte and +-1 chunk; plus random lengths to 100 KiB.
        List<Integer> lengths = new ArrayList<>();
        for (int chunks = 1; chunks <= 128; chunks <<= 1) {
            for (int delta : new int[] {-1025, -1024, -1, 0, 1, 1023, 1024, 1025}) {
                int len = chunks * 1024 + delta;
                if (len >= 0) {
                    lengths.add(len);
                }
            }
        }
        Random rnd = new Random(2);
        for (int i = 0; i < 12; i++) {
            lengths.add(rnd.nextInt(100 * 1024));
        }
        for (int len : lengths) {
            byte[] input = new byte[len];
            rnd.nextBytes(input);
            String expected = B3sum.hash(input);
            assertEquals(expected, Hex.encode(Blake3.hash(input)), "one-shot, len " + len);
            assertEquals(expected, Hex.encode(feedInPieces(Blake3.newHasher(), input, rnd).digest()),
                    "incremental, len " + len);
            ByteBuffer direct = ByteBuffer.allocateDirect(len + 3);
            direct.position(3);
            direct.put(input).position(3);
            assertEquals(expected, Hex.encode(Blake3.hash(direct)), "direct buffer, len " + len);
            assertEquals(3, direct.position(), "hash(ByteBuffer) must not move the position");
        }
    }

    @Test
    void megabytesSerialParallelIncrementalAndFile() throws IOException {
        Random rnd = new Random(3);
        for (int len : new int[] {(1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 517, 8 << 20}) {
            byte[] input = new byte[len];
            rnd.nextBytes(input);
            Path f = tmp.resolve("mb" + len);
            Files.write(f, input);
            String expected = B3sum.run(f, 32, null);
            assertEquals(expected, Hex.encode(Blake3.hash(input)), "serial, len " + len);
            assertEquals(expected, Hex.encode(Blake3.hashParallel(input)), "parallel, len " + len);
            ForkJoinPool own = new ForkJoinPool(3);
            try {
                assertEquals(expected, Hex.encode(Blake3.hashParallel(ByteBuffer.wrap(input), own)),
                        "own pool, len " + len);
            } finally {
                own.shutdown();
            }
            assertEquals(expected, Hex.encode(feedInPieces(Blake3.newHasher(), input, rnd).digest()),
                    "incremental, len " + len);
            assertEquals(expected, Hex.encode(Blake3.hashFile(f)), "file, len " + len);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertEquals(expected, Hex.encode(Blake3.hash(ch, 0, len, null)), "file serial, len " + len);
                // A region of a file is a blob of its own.
                byte[] region = java.util.Arrays.copyOfRange(input, 4097, len - 3);
                assertEquals(B3sum.hash(region), Hex.encode(Blake3.hash(ch, 4097, region.length, ForkJoinPool.commonPool())),
                        "file region, len " + len);
                // A region past the end of the file is an error, not a hash of fewer bytes.
                assertThrows(java.io.EOFException.class, () -> Blake3.hash(ch, 0, len + 1, Blake3.hashingPool()));
                assertThrows(java.io.EOFException.class, () -> Blake3.hash(ch, 0, len + 1, null));
            }
            String xof = B3sum.run(f, 200, null);
            assertEquals(xof, xof(feedInPieces(Blake3.newHasher(), input, rnd), 200), "xof, len " + len);
        }
    }

    @Test
    void digestDoesNotEndTheHasher() {
        byte[] input = officialInput(5000);
        Blake3 h = Blake3.newHasher();
        h.update(input, 0, 2048);
        assertArrayEquals(Blake3.hash(input, 0, 2048), h.digest());
        h.update(input, 2048, 2952);
        assertArrayEquals(Blake3.hash(input), h.digest());
    }

    @Test
    void subtreeAndParentChainingValuesRebuildTheRoot() {
        Random rnd = new Random(4);
        byte[] blob = new byte[70 * 1024 + 300];
        rnd.nextBytes(blob);
        long chunks = 71;
        // BLAKE3 spec §2.1 shape: left 64 chunks, right 7 chunks (4 + 3 (2 + 1)).
        byte[] left = Blake3.subtreeChainingValue(blob, 0, 64 * 1024, 0, false);
        byte[] r4 = Blake3.subtreeChainingValue(blob, 64 * 1024, 4 * 1024, 64, false);
        byte[] r2 = Blake3.subtreeChainingValue(blob, 68 * 1024, 2 * 1024, 68, false);
        byte[] r1 = Blake3.chunkChainingValue(blob, 70 * 1024, 300, 70, false);
        byte[] r3 = Blake3.parentChainingValue(r2, r1, false);
        byte[] right = Blake3.parentChainingValue(r4, r3, false);
        assertArrayEquals(Blake3.subtreeChainingValue(blob, 64 * 1024, 6 * 1024 + 300, 64, false), right);
        assertArrayEquals(Blake3.hash(blob), Blake3.parentChainingValue(left, right, true));
        assertArrayEquals(Blake3.hash(blob), Blake3.subtreeChainingValue(blob, 0, blob.length, 0, true));
        assertEquals(chunks, Blake3Tree.chunkCount(blob.length));
        // A single chunk as root is the hash; the same chunk elsewhere in a tree is not.
        assertArrayEquals(Blake3.hash(blob, 0, 1000), Blake3.chunkChainingValue(blob, 0, 1000, 0, true));
        assertThrows(IllegalArgumentException.class, () -> Blake3.subtreeChainingValue(blob, 0, 1024, 3, true));
        // The ByteBuffer form with offsets into a larger array.
        byte[] out = new byte[40];
        Blake3.parentChainingValue(left, 0, right, 0, true, out, 8);
        assertArrayEquals(Blake3.hash(blob), java.util.Arrays.copyOfRange(out, 8, 40));
    }

    @Test
    void keyLengthChecked() {
        assertThrows(IllegalArgumentException.class, () -> Blake3.newKeyedHasher(new byte[31]));
    }

    static Blake3 feedInPieces(Blake3 h, byte[] input, Random rnd) {
        int p = 0;
        while (p < input.length) {
            // Mostly small pieces, sometimes large ones, so both the block path and the subtree path run.
            int max = rnd.nextInt(4) == 0 ? 70_000 : 1500;
            int n = Math.min(input.length - p, rnd.nextInt(max + 1));
            if (rnd.nextBoolean()) {
                h.update(input, p, n);
            } else {
                h.update(ByteBuffer.wrap(input, p, n));
            }
            p += n;
        }
        return h;
    }

    static String xof(Blake3 h) {
        return xof(h, XOF_LEN);
    }

    static String xof(Blake3 h, int len) {
        byte[] out = new byte[len];
        h.finalizeXof(out, 0, len);
        return Hex.encode(out);
    }
}
