package dev.quanta.kernels.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.Isa;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Kernel throughput figures (printed, never asserted): for each weight type, a {@code rows x cols} matrix
 * (default 2048 x 8192, rows = output features) times
 * <ul>
 *   <li>one token: GB/s of weights streamed;</li>
 *   <li>8 single-token calls versus one 8-token call: token-rows per second of each and their ratio (how much
 *       the many-token kernel gains by reading each weight block once for all tokens).</li>
 * </ul>
 * NOTE: one 2048 x 8192 Q4_0 matrix (9.4 MB) fits in a large L3, so the benchmark cycles through enough copies
 * (at least 256 MB in total, at most 64 copies) that every call reads its weights from DRAM, as a forward pass
 * does.
 *
 * <p>Usage: {@code KernelBench [--threads N] [--isa scalar|avx2|avx512] [--java] [--seconds S] [--rows R]
 * [--cols C] [--types Q4_0,Q8_0,...]}; {@code bin/quanta bench --kernels} calls {@link #run}.
 */
public final class KernelBench {

    /** Default types measured: the ones the engine's speed depends on. */
    public static final List<GgmlType> DEFAULT_TYPES =
            List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16);

    private static final long MIN_STREAM_BYTES = 256L << 20;

    /** One type's figures. */
    public record Result(GgmlType type, int rows, int cols, double gbPerSecond, double singleTokenRowsPerSecond,
            double batchedRowsPerSecond, double cpuShare) {

        /** Work per second of one 8-token call over that of 8 single-token calls. */
        public double batchGain() {
            return batchedRowsPerSecond / singleTokenRowsPerSecond;
        }
    }

    /** What to measure. */
    public record Options(int rows, int cols, double secondsPerCase, List<GgmlType> types, int batchTokens) {

        public static Options defaults() {
            return new Options(2048, 8192, 2.0, DEFAULT_TYPES, 8);
        }
    }

    private KernelBench() {}

    public static void main(String[] args) {
        KernelConfig config = KernelConfig.defaults();
        Options options = Options.defaults();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--threads" -> config = new KernelConfig(Integer.parseInt(args[++i]), config.isaCap(),
                            config.preferNative());
                    case "--isa" -> config = config.withIsaCap(Isa.parse(args[++i]));
                    case "--java" -> config = config.javaOnly();
                    case "--seconds" -> options = new Options(options.rows(), options.cols(),
                            Double.parseDouble(args[++i]), options.types(), options.batchTokens());
                    case "--rows" -> options = new Options(Integer.parseInt(args[++i]), options.cols(),
                            options.secondsPerCase(), options.types(), options.batchTokens());
                    case "--cols" -> options = new Options(options.rows(), Integer.parseInt(args[++i]),
                            options.secondsPerCase(), options.types(), options.batchTokens());
                    case "--types" -> {
                        List<GgmlType> types = new ArrayList<>();
                        for (String t : args[++i].split(",")) {
                            types.add(GgmlType.valueOf(t.strip().toUpperCase(Locale.ROOT)));
                        }
                        options = new Options(options.rows(), options.cols(), options.secondsPerCase(), types,
                                options.batchTokens());
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("kernel bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (KernelOps ops = Kernels.create(config)) {
            run(ops, options, System.out);
        }
    }

    /** Measures every type of {@code options} with {@code ops}, printing a table to {@code out}. */
    public static List<Result> run(KernelOps ops, Options options, PrintStream out) {
        out.printf(Locale.ROOT, "kernels: %s; matrix %d x %d (rows x cols); %.1f s per case%n", ops.description(),
                options.rows(), options.cols(), options.secondsPerCase());
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        if (load > os.getAvailableProcessors()) {
            out.printf(Locale.ROOT, "WARNING: system load average %.1f exceeds the %d processors: figures are not "
                    + "representative (see the cpu%% column: this process's share of its threads' time)%n", load,
                    os.getAvailableProcessors());
        }
        out.printf(Locale.ROOT, "%-6s %10s %14s %18s %18s %8s %6s%n", "type", "GB/s", "weights MB", "1-token rows/s",
                options.batchTokens() + "-token rows/s", "gain", "cpu%");
        List<Result> results = new ArrayList<>();
        for (GgmlType type : options.types()) {
            Result r = measure(ops, type, options);
            results.add(r);
            out.printf(Locale.ROOT, "%-6s %10.1f %14.1f %18.3e %18.3e %7.2fx %5.0f%%%n", type, r.gbPerSecond(),
                    type.byteSize((long) r.rows() * r.cols()) / 1e6, r.singleTokenRowsPerSecond(),
                    r.batchedRowsPerSecond(), r.batchGain(), 100 * r.cpuShare());
        }
        return results;
    }

    /** CPU time of this process so far (ns), or 0 where the JVM does not report it. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    /** One type: single-token bandwidth, then single versus batched token-rows per second. */
    public static Result measure(KernelOps ops, GgmlType type, Options options) {
        int rows = options.rows();
        int cols = options.cols();
        int batch = options.batchTokens();
        long matrixBytes = type.byteSize((long) rows * cols);
        int copies = (int) Math.min(64, Math.max(1, (MIN_STREAM_BYTES + matrixBytes - 1) / matrixBytes));
        Random rnd = new Random(1);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment[] w = new MemorySegment[copies];
            for (int i = 0; i < copies; i++) {
                w[i] = randomWeights(arena, rnd, type, matrixBytes);
            }
            MemorySegment x = arena.allocate(4L * batch * cols, 64);
            for (long i = 0; i < (long) batch * cols; i++) {
                x.setAtIndex(JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() * 2 - 1);
            }
            MemorySegment outSeg = arena.allocate(4L * batch * rows, 64);

            // warm-up: JIT, scratch sizing, page faults on every copy
            for (int i = 0; i < copies; i++) {
                ops.matmul(type, w[i], rows, cols, x, outSeg, 1);
                ops.matmul(type, w[i], rows, cols, x, outSeg, batch);
            }
            long nanos = (long) (options.secondsPerCase() * 1e9);

            long cpuStart = processCpuNanos();
            long wallStart = System.nanoTime();
            long calls = 0;
            long start = System.nanoTime();
            long end;
            do {
                ops.matmul(type, w[(int) (calls % copies)], rows, cols, x, outSeg, 1);
                calls++;
            } while ((end = System.nanoTime()) - start < nanos / 2);
            double singleSeconds = (end - start) / 1e9;
            double gbPerSecond = calls * (double) matrixBytes / singleSeconds / 1e9;
            double singleRowsPerSecond = calls * (double) rows / singleSeconds;

            long batchedCalls = 0;
            start = System.nanoTime();
            do {
                ops.matmul(type, w[(int) (batchedCalls % copies)], rows, cols, x, outSeg, batch);
                batchedCalls++;
            } while ((end = System.nanoTime()) - start < nanos / 2);
            double batchedRowsPerSecond = batchedCalls * (double) rows * batch / ((end - start) / 1e9);
            // CPU time this process got while measuring, as a share of threads x wall time (100% = undisturbed)
            double cpuShare = (processCpuNanos() - cpuStart) / ((end - wallStart) * (double) ops.threads());
            return new Result(type, rows, cols, gbPerSecond, singleRowsPerSecond, batchedRowsPerSecond, cpuShare);
        }
    }

    /**
     * {@code bytes} of random weights of {@code type} with small finite scales (so no NaN, infinity or subnormal
     * arithmetic distorts the timing). Values do not otherwise matter for speed.
     */
    public static MemorySegment randomWeights(Arena arena, Random rnd, GgmlType type, long bytes) {
        MemorySegment s = arena.allocate(bytes, 64);
        byte[] chunk = new byte[1 << 16];
        for (long off = 0; off < bytes; off += chunk.length) {
            rnd.nextBytes(chunk);
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, s, off, Math.min(chunk.length, bytes - off));
        }
        short small = Float.floatToFloat16(0.01f);
        switch (type) {
            case F16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    s.setAtIndex(JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(rnd.nextFloat() - 0.5f));
                }
            }
            case F32 -> {
                for (long i = 0; i < bytes / 4; i++) {
                    s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() - 0.5f);
                }
            }
            case BF16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    s.setAtIndex(JAVA_SHORT_UNALIGNED, i, (short) 0x3c00);
                }
            }
            default -> {
                int[] offsets = switch (type) {
                    case Q4_0, Q5_0, Q8_0, IQ4_NL -> new int[] {0};
                    case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
                    case Q2_K -> new int[] {80, 82};
                    case Q3_K -> new int[] {108};
                    case Q6_K -> new int[] {208};
                    default -> throw new IllegalArgumentException("no benchmark for " + type);
                };
                for (long b = 0; b < bytes / type.typeSize(); b++) {
                    for (int off : offsets) {
                        s.set(JAVA_SHORT_UNALIGNED, b * type.typeSize() + off, small);
                    }
                }
            }
        }
        return s;
    }
}
