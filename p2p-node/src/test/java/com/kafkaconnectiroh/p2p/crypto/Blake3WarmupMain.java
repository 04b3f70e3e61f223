package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;

/**
 * Run in a child JVM by {@link Blake3KernelTest}: with the default (auto) kernel selection, a bulk hash starts
 * the SIMD warm-up; the main thread then mostly sleeps (so it does not starve the warm-up thread on a busy
 * machine), hashing again now and then to check that the answer never changes and to restart a warm-up that
 * timing noise defeated. Prints what it saw and exits 0 once SIMD is active, 4 on a wrong hash, 3 after 600 s.
 */
public final class Blake3WarmupMain {
    private Blake3WarmupMain() {}

    public static void main(String[] args) throws InterruptedException {
        byte[] data = new byte[16 << 20];
        byte[] expected = Blake3.hash(data); // scalar at first; this bulk hash starts the warm-up
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
