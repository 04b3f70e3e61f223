package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Picks the BLAKE3 kernel once per JVM. The SIMD kernel needs the incubating module {@code jdk.incubator.vector}
 * in the boot layer (start the JVM with {@code --add-modules jdk.incubator.vector}); without it, or when it fails
 * its self-check, or when the system property {@code kafkaconnectiroh.blake3.kernel=scalar} asks, the scalar
 * kernel is used.
 */
final class Blake3Kernels {
    static final String PROPERTY = "kafkaconnectiroh.blake3.kernel";
    private static final String VECTOR_CLASS = "com.kafkaconnectiroh.p2p.crypto.VectorBlake3Kernel";

    private static final Blake3Kernel SCALAR = new ScalarBlake3Kernel();
    private static final Optional<Blake3Kernel> VECTOR = loadVector();
    private static final Blake3Kernel ACTIVE = choose();

    private Blake3Kernels() {}

    static Blake3Kernel active() {
        return ACTIVE;
    }

    static Blake3Kernel scalar() {
        return SCALAR;
    }

    /** The SIMD kernel if this JVM can run it, whether or not it is the active one. */
    static Optional<Blake3Kernel> vector() {
        return VECTOR;
    }

    private static Blake3Kernel choose() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        if (wanted.equals("scalar")) {
            return SCALAR;
        }
        return VECTOR.orElse(SCALAR);
    }

    private static Optional<Blake3Kernel> loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Optional.empty();
        }
        try {
            Blake3Kernel kernel = (Blake3Kernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
            return agreesWithScalar(kernel) ? Optional.of(kernel) : Optional.empty();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // Missing class (trimmed jar), no usable species, or an incubator API change: scalar it is.
            return Optional.empty();
        }
    }

    /** A cheap known-answer check so a miscompiled or mis-specified SIMD path can never produce wrong hashes. */
    private static boolean agreesWithScalar(Blake3Kernel kernel) {
        int chunks = 2 * kernel.lanes() + 3;
        int[] words = new int[chunks * (Blake3.CHUNK_LEN / 4)];
        for (int i = 0; i < words.length; i++) {
            words[i] = i * 0x9E3779B9 + 7;
        }
        long counter = 0xFFFF_FFFFL - kernel.lanes() / 2; // crosses the 32-bit counter boundary
        int[] expected = new int[chunks * 8];
        int[] actual = new int[chunks * 8];
        SCALAR.hashChunks(words, 0, chunks, Blake3.IV, counter, Blake3.KEYED_HASH, expected, 0);
        kernel.hashChunks(words, 0, chunks, Blake3.IV, counter, Blake3.KEYED_HASH, actual, 0);
        if (!Arrays.equals(expected, actual)) {
            return false;
        }
        int parents = chunks / 2;
        SCALAR.hashParents(words, 0, parents, Blake3.IV, 0, expected, 0);
        kernel.hashParents(words, 0, parents, Blake3.IV, 0, actual, 0);
        return Arrays.equals(expected, actual);
    }
}
