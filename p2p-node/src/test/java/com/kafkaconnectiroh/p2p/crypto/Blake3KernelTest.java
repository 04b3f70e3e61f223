package com.kafkaconnectiroh.p2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lanes and the SIMD kernels against the scalar one, directly: the SIMD one only exists when this JVM has
 * {@code jdk.incubator.vector}, so the run without it checks the lanes kernel alone, and both runs check through
 * {@link Blake3Test} (published values) whatever kernel the JVM picked.
 */
class Blake3KernelTest {
    private final Blake3Kernel scalar = Blake3Kernels.scalar();
    private final Optional<Blake3Kernel> vector = Blake3Kernels.vector();
    private final List<Blake3Kernel> others = vector.isPresent() ? List.of(new LanesBlake3Kernel(), vector.get())
            : List.of(new LanesBlake3Kernel());

    @Test
    void chunksAndParentsAgreeAcrossKernels() {
        Random rnd = new Random(11);
        for (Blake3Kernel other : others) {
            for (int round = 0; round < 60; round++) {
                // Fewer chunks than a pass takes, one pass, several passes and a remainder.
                int count = rnd.nextInt(round < 40 ? 40 : 160);
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
            assertEquals(Blake3Kernels.defaultKernel().name(), Blake3.implementation(),
                    "no SIMD kernel here, so the default one is chosen");
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
        assertTrue(out.contains(Blake3Kernels.defaultKernel().name() + " -> vector"), out);
    }

    @Test
    void theLanesKernelIsTheDefaultOnlyWhereC2VectorizesIt() throws Exception {
        String arch = System.getProperty("os.arch");
        String lanes = arch.equals("amd64") || arch.equals("x86_64") ? "lanes-" + LanesBlake3Kernel.L : "scalar";
        assertEquals(lanes, defaultKernelIn(), "C2 and its vectorizer as shipped");
        // Without C2's auto-vectorizer the lanes kernel runs at half the scalar one's speed.
        assertEquals("scalar", defaultKernelIn("-XX:TieredStopAtLevel=1"), "C1 only");
        assertEquals("scalar", defaultKernelIn("-XX:-UseSuperWord"), "no auto-vectorizer");
        assertEquals("scalar", defaultKernelIn("-Xint"), "interpreted");
        assertEquals("scalar", defaultKernelIn("-D" + Blake3Kernels.PROPERTY + "=scalar"), "scalar asked for");
        assertEquals("lanes-" + LanesBlake3Kernel.L,
                defaultKernelIn("-D" + Blake3Kernels.PROPERTY + "=lanes", "-XX:TieredStopAtLevel=1"), "lanes asked for");
    }

    /** The default kernel's name in a child JVM started with {@code jvmOptions}. */
    private static String defaultKernelIn(String... jvmOptions) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xlog:disable"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Blake3DefaultKernelMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void subtreesAgreeAcrossKernels() {
        Random rnd = new Random(12);
        Blake3Tree scalarTree = new Blake3Tree(scalar);
        List<Blake3Tree> otherTrees = others.stream().map(Blake3Tree::new).toList();
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
            scalarTree.subtree(buf, 0, len, start, Blake3.IV, 0, root, expected, 0);
            for (int k = 0; k < others.size(); k++) {
                int[] actual = new int[8];
                otherTrees.get(k).subtree(buf, 0, len, start, Blake3.IV, 0, root, actual, 0);
                assertArrayEquals(expected, actual, others.get(k).name() + " len " + len + " start " + start);
            }
        }
    }
}
