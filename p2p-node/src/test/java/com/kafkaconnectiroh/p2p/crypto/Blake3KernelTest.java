package com.kafkaconnectiroh.p2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scalar and the SIMD kernels against each other, directly: the SIMD one only exists when this JVM has
 * {@code jdk.incubator.vector}, so the run without it checks the scalar kernel on its own through
 * {@link Blake3Test} and this class checks that both agree bit for bit.
 */
class Blake3KernelTest {
    private final Blake3Kernel scalar = Blake3Kernels.scalar();
    private final Optional<Blake3Kernel> vector = Blake3Kernels.vector();

    @Test
    void chunksAndParentsAgreeAcrossKernels() {
        Random rnd = new Random(11);
        for (Blake3Kernel other : vector.map(v -> new Blake3Kernel[] {v}).orElse(new Blake3Kernel[] {scalar})) {
            for (int round = 0; round < 40; round++) {
                int count = rnd.nextInt(40);
                int[] words = new int[count * 256 + 16];
                for (int i = 0; i < words.length; i++) {
                    words[i] = rnd.nextInt();
                }
                int[] key = new int[8];
                for (int i = 0; i < 8; i++) {
                    key[i] = rnd.nextInt();
                }
                long counter = switch (round % 3) {
                    case 0 -> rnd.nextInt(1 << 20);
                    case 1 -> 0xFFFF_FFFFL - rnd.nextInt(20); // the 32-bit counter word wraps inside a batch
                    default -> rnd.nextLong() >>> 10;
                };
                int flags = round % 2 == 0 ? 0 : Blake3.KEYED_HASH;
                int wordOff = rnd.nextInt(16);
                int[] expected = new int[count * 8 + 5];
                int[] actual = new int[count * 8 + 5];
                scalar.hashChunks(words, wordOff, count, key, counter, flags, expected, 5);
                other.hashChunks(words, wordOff, count, key, counter, flags, actual, 5);
                assertArrayEquals(expected, actual, other.name() + " chunks, count " + count);

                int parents = count / 2;
                int[] inPlace = words.clone();
                scalar.hashParents(words, 0, parents, key, flags, expected, 0);
                other.hashParents(inPlace, 0, parents, key, flags, inPlace, 0);
                assertArrayEquals(Arrays.copyOf(expected, parents * 8), Arrays.copyOf(inPlace, parents * 8),
                        other.name() + " parents in place, count " + parents);
            }
        }
    }

    @Test
    void autoSelectionWarmsTheSimdKernelOnlyAfterEnoughBulkHashingThenHandsOver() throws Exception {
        if (vector.isEmpty()) {
            assertEquals("scalar", Blake3.implementation(), "no SIMD kernel here, so scalar is chosen");
            return;
        }
        // A child JVM with the default selection (and a 256 MiB threshold, to keep this quick): it starts scalar,
        // does not warm the SIMD kernel for half the threshold of hashing, then, past it, warms it and switches.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                "-D" + Blake3Kernels.WARMUP_AFTER_PROPERTY + "=" + (256 << 20), "-cp",
                System.getProperty("java.class.path"), Blake3WarmupMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(660, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("no warm-up after 128 MiB"), out);
        assertTrue(out.contains("scalar -> vector"), out);
    }

    @Test
    void subtreesAgreeAcrossKernels() {
        Random rnd = new Random(12);
        Blake3Tree scalarTree = new Blake3Tree(scalar);
        Blake3Tree otherTree = new Blake3Tree(vector.orElse(scalar));
        byte[] data = new byte[300 * 1024];
        rnd.nextBytes(data);
        ByteBuffer buf = ByteBuffer.wrap(data);
        for (int round = 0; round < 60; round++) {
            int len = rnd.nextInt(data.length);
            long n = Blake3Tree.chunkCount(len);
            // Start chunks aligned as BLAKE3 would place such a subtree.
            long align = Long.highestOneBit(n) << 1;
            long start = align * rnd.nextInt(1000);
            boolean root = round % 5 == 0;
            if (root) {
                start = 0;
            }
            int[] expected = new int[8];
            int[] actual = new int[8];
            scalarTree.subtree(buf, 0, len, start, Blake3.IV, 0, root, expected, 0);
            otherTree.subtree(buf, 0, len, start, Blake3.IV, 0, root, actual, 0);
            assertArrayEquals(expected, actual, "len " + len + " start " + start);
        }
    }
}
