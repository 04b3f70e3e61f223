package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;

/**
 * Run in a child JVM by {@link Blake3KernelTest}, with the default (auto) kernel selection. First it hashes half
 * of the warm-up threshold in bulk and checks that nothing started warming the SIMD kernel (a one-shot command
 * of that size must not pay for it): exit 5 otherwise. Then it hashes past the threshold, which starts the
 * warm-up; the main thread then mostly sleeps (so it does not starve the warm-up thread on a busy machine),
 * hashing again now and then to check that the answer never changes and to restart a warm-up that timing noise
 * defeated. Prints what it saw and exits 0 once SIMD is active, 4 on a wrong hash, 3 after 600 s.
 */
public final class Blake3WarmupMain {
    private Blake3WarmupMain() {}

    public static void main(String[] args) throws InterruptedException {
        byte[] data = new byte[16 << 20];
        byte[] expected = Blake3.hash(data);
        long hashed = data.length;
        for (; hashed < Blake3Kernels.WARMUP_AFTER_BYTES / 2; hashed += data.length) {
            Blake3.hash(data);
        }
        boolean warming = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("blake3-simd-warmup"));
        if (warming || !Blake3.activeImplementation().equals(Blake3Kernels.defaultKernel().name())) {
            System.out.printf("the SIMD warm-up started after only %d MiB of bulk hashing (active: %s)%n", hashed >> 20,
                    Blake3.activeImplementation());
            System.exit(5);
        }
        System.out.printf("no warm-up after %d MiB%n", hashed >> 20);
        for (; hashed < Blake3Kernels.WARMUP_AFTER_BYTES; hashed += data.length) {
            Blake3.hash(data); // past the threshold: this starts the warm-up
        }
        long start = System.nanoTime();
        String first = Blake3.activeImplementation();
        while (System.nanoTime() - start < 600_000_000_000L) {
            Thread.sleep(200);
            if (!Arrays.equals(expected, Blake3.hash(data))) {
                System.out.println("hash changed while switching kernels");
                System.exit(4);
            }
            if (Blake3.activeImplementation().equals(Blake3.implementation())) {
                System.out.printf("%s -> %s after %d ms%n", first, Blake3.activeImplementation(),
                        (System.nanoTime() - start) / 1_000_000);
                System.exit(0);
            }
        }
        System.out.println("still " + Blake3.activeImplementation() + " after 600 s");
        System.exit(3);
    }
}
