package com.kafkaconnectiroh.p2p.crypto;

/** Run in a child JVM by {@link Blake3KernelTest}: prints the name of the kernel that runs until SIMD is warm. */
public final class Blake3DefaultKernelMain {
    private Blake3DefaultKernelMain() {}

    public static void main(String[] args) {
        System.out.println(Blake3Kernels.defaultKernel().name());
    }
}
