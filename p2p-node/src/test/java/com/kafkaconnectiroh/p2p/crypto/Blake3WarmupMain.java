package com.kafkaconnectiroh.p2p.crypto;

/**
 * Run in a child JVM by {@link Blake3KernelTest}: hashes 16 MiB at a time, with the default (auto) kernel
 * selection, until the SIMD kernel has taken over; prints what it saw and exits 0, or exits 3 after 120 s.
 */
public final class Blake3WarmupMain {
    private Blake3WarmupMain() {}

    public static void main(String[] args) {
        byte[] data = new byte[16 << 20];
        byte[] expected = Blake3.hash(data); // scalar at first
        long start = System.nanoTime();
        String first = Blake3.activeImplementation();
        while (System.nanoTime() - start < 120_000_000_000L) {
            if (!java.util.Arrays.equals(expected, Blake3.hash(data))) {
                System.out.println("hash changed while switching kernels");
                System.exit(4);
            }
            if (Blake3.activeImplementation().equals(Blake3.implementation())) {
                System.out.printf("%s -> %s after %d ms%n", first, Blake3.activeImplementation(),
                        (System.nanoTime() - start) / 1_000_000);
                System.exit(0);
            }
        }
        System.out.println("still " + Blake3.activeImplementation() + " after 120 s");
        System.exit(3);
    }
}
