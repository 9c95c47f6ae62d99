package dev.quanta.kernels;

import java.util.Objects;

/**
 * How to build a {@link KernelOps}.
 *
 * @param threads      threads the kernels split work over, including the caller; default: available processors
 * @param isaCap       highest instruction set the native kernels may use; default {@link Isa#AVX512} (i.e. the
 *                     best the CPU has, further capped by the {@code QUANTA_KERNELS_ISA} environment variable)
 * @param preferNative true (default): use the C library when it loads, else fall back to {@link JavaKernelOps};
 *                     false: always the Java reference
 * @param repack       true (default): weight matrices the kernels multiply faster in another layout are re-laid
 *                     once at load ({@link KernelOps#packedLayout}; same results, same memory); false: every matrix
 *                     is used as the file holds it (llama.cpp's {@code --no-repack})
 */
public record KernelConfig(int threads, Isa isaCap, boolean preferNative, boolean repack) {

    public KernelConfig {
        Objects.requireNonNull(isaCap, "isaCap");
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be between 1 and 1024, got " + threads);
        }
    }

    /** With repacking on (the default). */
    public KernelConfig(int threads, Isa isaCap, boolean preferNative) {
        this(threads, isaCap, preferNative, true);
    }

    /** Native kernels, best instruction set, one thread per available processor. */
    public static KernelConfig defaults() {
        return withThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Native kernels, best instruction set, {@code threads} threads. */
    public static KernelConfig withThreads(int threads) {
        return new KernelConfig(threads, Isa.AVX512, true);
    }

    /** This configuration with the instruction set capped at {@code cap}. */
    public KernelConfig withIsaCap(Isa cap) {
        return new KernelConfig(threads, cap, preferNative, repack);
    }

    /** This configuration forced to the pure-Java reference. */
    public KernelConfig javaOnly() {
        return new KernelConfig(threads, isaCap, false, repack);
    }

    /** This configuration with repacking {@code on} or off. */
    public KernelConfig withRepack(boolean on) {
        return new KernelConfig(threads, isaCap, preferNative, on);
    }
}
