package dev.quanta.kernels.bench;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.quanta.kernels.KernelOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * This machine's read bandwidth, as decode sees it: a buffer of at least 1 GiB (far beyond any cache), read once per
 * pass by every thread of the kernels' pool ({@link KernelOps#forEach}, the threads a forward pass runs on), each
 * thread its own contiguous share, as 64-bit words summed into four accumulators ({@link KernelOps#sumWords}:
 * streaming loads of the widest vectors with the native kernels, no stores). The figure is the best of {@code passes} passes (5 by default): bandwidth is a ceiling, and
 * the best pass is the one least disturbed by other work on a shared machine.
 *
 * <p>{@code scripts/membw-probe.sh} measures the same with a plain C program (OpenMP) as the cross-check.
 */
public final class MemoryBandwidth {

    /** Smallest buffer: 1 GiB. */
    public static final long MIN_BYTES = 1L << 30;
    /** Default number of passes. */
    public static final int DEFAULT_PASSES = 5;

    /**
     * @param bytes       buffer size
     * @param threads     threads that read at once
     * @param passes      passes measured
     * @param bestGbPerSecond best pass, GB/s (10^9 bytes per second)
     * @param meanGbPerSecond mean over the passes, GB/s
     */
    public record Result(long bytes, int threads, int passes, double bestGbPerSecond, double meanGbPerSecond) {}

    private MemoryBandwidth() {}

    /** Measures with {@code ops}' threads over a buffer of {@code bytes} (at least {@link #MIN_BYTES}). */
    public static Result measure(KernelOps ops, long bytes, int passes) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("the buffer must be at least 1 GiB, got " + bytes + " bytes");
        }
        if (passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        }
        int threads = ops.threads();
        long words = bytes / 8;
        long[] sums = new long[threads];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(words * 8, 64);
            // first touch by the threads that read each share later, with non-zero content
            ops.forEach(threads, (worker, item) -> {
                long lo = words * item / threads;
                long hi = words * (item + 1) / threads;
                for (long i = lo; i < hi; i++) {
                    buffer.setAtIndex(JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
                }
            });
            pass(ops, buffer, words, sums); // warm-up: JIT compiles the read loop
            double best = 0;
            double total = 0;
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                pass(ops, buffer, words, sums);
                double gbPerSecond = words * 8.0 / (System.nanoTime() - start);
                best = Math.max(best, gbPerSecond);
                total += gbPerSecond;
            }
            long sink = 0;
            for (long s : sums) {
                sink ^= s;
            }
            if (sink == 42) { // practically never; keeps the sums (and so the loads) alive
                System.out.print("");
            }
            return new Result(words * 8, threads, passes, best, total / passes);
        }
    }

    private static void pass(KernelOps ops, MemorySegment buffer, long words, long[] sums) {
        int threads = sums.length;
        ops.forEach(threads, (worker, item) -> sums[item] = ops.sumWords(buffer, words * item / threads,
                words * (item + 1) / threads));
    }
}
