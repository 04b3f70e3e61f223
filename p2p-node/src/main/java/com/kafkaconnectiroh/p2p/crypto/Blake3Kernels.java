package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks the BLAKE3 kernel once per JVM. Three kernels agree bit for bit: scalar (one block at a time), lanes (up
 * to 64 chunks at a time in plain Java shaped for C2's auto-vectorizer; {@link LanesBlake3Kernel}) and SIMD on
 * the incubating Vector API. The lanes kernel is the default on x86-64, where it runs at 2.6-3.3x the scalar one
 * in bulk and about 2x on 16 KiB BAO leaves with AVX2 or AVX-512, and about as fast as scalar without them; other
 * architectures were not measured and keep the scalar kernel. The SIMD kernel needs the module {@code
 * jdk.incubator.vector} in the boot layer (start the JVM with {@code --add-modules jdk.incubator.vector}); without
 * it, or when it fails its self-check, the default kernel stays. The system property {@code kafkaconnectiroh.blake3.kernel} can say {@code scalar} (scalar only),
 * {@code lanes} (the lanes kernel, on any architecture, never SIMD), {@code vector} (SIMD from the first byte) or
 * {@code auto} (the default).
 *
 * <p>Warm-up, with {@code auto}: until C2 compiles it, Vector API code runs about a thousand times slower than
 * scalar code (every vector is an object), and C2 only compiles the kernel after some thousand calls. So the
 * default kernel stays active until the SIMD one is warm: a daemon thread calls the SIMD kernel on dummy data
 * until it clearly beats the default one, then switches. That warm-up costs about 4 s of one core here (the
 * interpreted calls, then C2 compiling a 7.9 KB method with every Vector API call inlined), and the SIMD kernel
 * (about 2.3 GB/s per core) saves about 2 ms per MB hashed against scalar and about 0.4 ms against lanes (1.25 GB/s
 * in 64-chunk batches), so it only pays back after some GB. So it starts once this process has hashed {@link
 * #WARMUP_AFTER_BYTES} in bulk (whole 64-chunk batches, and the 16 KiB BAO leaves the blobs code reports):
 * long-running nodes get the SIMD kernel, one-shot commands that move up to a GiB or two never pay for it. Small
 * inputs (handshakes) never count. {@code -Dkafkaconnectiroh.blake3.warmupAfter=0} warms at the first bulk hash
 * (a node known to hash many GB).
 */
final class Blake3Kernels {
    static final String PROPERTY = "kafkaconnectiroh.blake3.kernel";
    private static final String VECTOR_CLASS = "com.kafkaconnectiroh.p2p.crypto.VectorBlake3Kernel";
    /** Give up warming after this many SIMD calls (some seconds of one core). */
    private static final int WARMUP_MAX_CALLS = 20_000;
    /** Consecutive SIMD calls clearly faster than the default kernel's best that count as warm. */
    private static final int WARM_STREAK = 50;

    private static final Blake3Kernel SCALAR = new ScalarBlake3Kernel();
    private static final String MODE = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    private static final boolean AUTO = MODE.equals("auto");
    /** With {@code auto}, null until the SIMD kernel is warm: {@link Default#KERNEL} runs until then. */
    private static volatile Blake3Kernel active = AUTO ? null : Chosen.KERNEL;
    /** The active kernel is final: the chosen one is active, or selection is not {@code auto}. */
    private static volatile boolean settled = !AUTO;
    private static final AtomicBoolean WARMING = new AtomicBoolean();
    /** Bulk bytes hashed by this process, up to the warm-up threshold. */
    private static final AtomicLong BULK_HASHED = new AtomicLong();
    /** System property: bytes of bulk hashing after which the SIMD warm-up starts (0: at the first). */
    static final String WARMUP_AFTER_PROPERTY = "kafkaconnectiroh.blake3.warmupAfter";
    /**
     * Bulk hashing after which the SIMD warm-up starts, 4 GiB by default (see the class comment): a one-shot
     * {@code blob send} of 1 GiB hashes 2 GiB (adding the file, then verifying it as it is sent) and never reaches it.
     */
    static final long WARMUP_AFTER_BYTES = Long.getLong(WARMUP_AFTER_PROPERTY, 4L << 30);

    private Blake3Kernels() {}

    /** The kernel to use now. */
    static Blake3Kernel active() {
        Blake3Kernel k = active;
        return k != null ? k : Default.KERNEL;
    }

    /** The kernel this JVM settled on, active now or once warm. */
    static Blake3Kernel chosen() {
        return Chosen.KERNEL;
    }

    /**
     * Loaded on first use, not with this class: loading the SIMD kernel and its self-check cost about 85 ms of
     * CPU (the incubator module's classes, the kernel run once interpreted), which a one-shot command that never
     * warms it up would pay at its first bulk hash.
     */
    private static final class Chosen {
        static final Optional<Blake3Kernel> VECTOR = loadVector();
        static final Blake3Kernel KERNEL = MODE.equals("scalar") || MODE.equals("lanes") ? Default.KERNEL
                : VECTOR.orElse(Default.KERNEL);
    }

    static Blake3Kernel scalar() {
        return SCALAR;
    }

    /** The kernel that runs until the SIMD one is warm (lanes or scalar). */
    static Blake3Kernel defaultKernel() {
        return Default.KERNEL;
    }

    /**
     * The kernel that runs until (and unless) the SIMD one is warm: lanes where C2 vectorizes its loops, else
     * scalar. Decided on first use, not with the outer class: asking the JVM for its flags loads some management
     * classes (about 20 ms), which processes that never hash more than a few KiB at a time should not pay.
     */
    private static final class Default {
        static final Blake3Kernel KERNEL = MODE.equals("lanes") || !MODE.equals("scalar") && lanesVectorize()
                ? new LanesBlake3Kernel() : SCALAR;

        /**
         * Measured on x86-64: the lanes kernel runs at 2.6-3.3x the scalar one in bulk with AVX2 or AVX-512 and
         * about as fast with SSE only; without C2's auto-vectorizer (C1 only, {@code -XX:-UseSuperWord},
         * interpreted) at 0.5-0.75x. Other architectures were not measured, so they keep the scalar kernel.
         */
        private static boolean lanesVectorize() {
            String arch = System.getProperty("os.arch", "");
            if (!arch.equals("amd64") && !arch.equals("x86_64")
                    || System.getProperty("java.vm.info", "").contains("interpreted")) {
                return false;
            }
            try {
                return JitFlags.superWordOn();
            } catch (RuntimeException | LinkageError e) {
                return true; // a runtime without jdk.management: the JIT is as shipped
            }
        }
    }

    /** Kept apart so a runtime without {@code jdk.management} fails here, where it is caught, not in verification. */
    private static final class JitFlags {
        static boolean superWordOn() {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean c2 = !Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue())
                    || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
            return c2 && Boolean.parseBoolean(vm.getVMOption("UseSuperWord").getValue());
        }
    }

    /** The SIMD kernel if this JVM can run it, whether or not it is the active one. */
    static Optional<Blake3Kernel> vector() {
        return Chosen.VECTOR;
    }

    /**
     * Counts {@code bytes} of bulk hashing; once this process has hashed {@link #WARMUP_AFTER_BYTES}, starts
     * warming the chosen kernel if it is not active yet.
     */
    static void noteBulkUse(long bytes) {
        if (!settled && !WARMING.get() && BULK_HASHED.addAndGet(bytes) >= WARMUP_AFTER_BYTES) {
            warmUpNow();
        }
    }

    /** Starts warming the chosen kernel now, whatever was hashed so far (benchmarks, long-running nodes). */
    static void warmUpNow() {
        if (!settled && WARMING.compareAndSet(false, true)) {
            Thread t = new Thread(Blake3Kernels::warmUp, "blake3-simd-warmup");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
    }

    private static void warmUp() {
        Blake3Kernel simd = Chosen.KERNEL;
        Blake3Kernel baseline = Default.KERNEL;
        if (simd == baseline) {
            settled = true; // no SIMD kernel in this JVM: nothing to warm
            return;
        }
        int lanes = simd.lanes();
        int[] words = new int[lanes * (Blake3.CHUNK_LEN / 4)];
        Arrays.fill(words, 0x5A5A5A5A);
        int[] out = new int[lanes * 8];
        long defaultNanos = Long.MAX_VALUE;
        for (int i = 0; i < 3000; i++) {
            long t = System.nanoTime();
            warmCall(baseline, lanes, words, out, i);
            defaultNanos = i >= 2000 ? Math.min(defaultNanos, System.nanoTime() - t) : defaultNanos;
        }
        // Warm: faster than the default kernel's best call by a margin (against scalar by half, against the
        // lanes kernel by a quarter: once compiled the SIMD kernel runs about 5x scalar and 2x lanes).
        long warmNanos = baseline == SCALAR ? defaultNanos / 2 : defaultNanos * 3 / 4;
        int streak = 0;
        for (int i = 0; i < WARMUP_MAX_CALLS && streak < WARM_STREAK; i++) {
            long t = System.nanoTime();
            warmCall(simd, lanes, words, out, i);
            streak = System.nanoTime() - t < warmNanos ? streak + 1 : 0;
        }
        if (streak >= WARM_STREAK) {
            active = simd;
            settled = true;
        } else {
            // Timing noise (a loaded machine), or a C2 queue too long to reach this kernel in time, can break every
            // streak; the counter stays past the threshold, so the next bulk hash tries again.
            WARMING.set(false);
        }
    }

    /** The same work for both kernels: one SIMD pass worth of chunks and of parents. */
    private static void warmCall(Blake3Kernel kernel, int lanes, int[] words, int[] out, int counter) {
        kernel.hashChunks(words, 0, lanes, Blake3.IV, counter, 0, out, 0);
        kernel.hashParents(words, 0, lanes, Blake3.IV, 0, out, 0);
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
        int chunks = kernel.lanes() + 3;
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
        int parents = kernel.lanes();
        SCALAR.hashParents(words, 0, parents, Blake3.IV, 0, expected, 0);
        kernel.hashParents(words, 0, parents, Blake3.IV, 0, actual, 0);
        return Arrays.equals(expected, actual);
    }
}
