package dev.quanta.kernels.bench;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.AnonymousMemory;
import dev.quanta.kernels.KernelOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Per weight type, how long {@link KernelOps#matmul} takes on synthetic random matrices, as two straight lines the
 * planner can extrapolate to any model:
 * <ul>
 *   <li>one token (decode): {@code seconds = decodeCallSeconds + bytes / decodeBytesPerSecond}, fitted over
 *       {@link #DECODE_SHAPES} (from 0.25 MB to ~35 MB per matrix), weights read from DRAM;</li>
 *   <li>{@code promptTokens} tokens at once (prompt processing):
 *       {@code seconds = promptCallSeconds + 2 × rows × cols × tokens / promptOpsPerSecond}, fitted over
 *       {@link #PROMPT_SHAPES}.</li>
 * </ul>
 * Both are least-squares fits of the per-call time in relative terms (the median of 5 rounds per shape; intercept
 * clamped at 0; {@link #fitRelative} says why relative). The
 * matrices are slices of one random pool of at least 320 MiB, cycled so that no call finds its weights in the caches
 * (a forward pass streams far more than the L3 holds), in the layout the engine multiplies them in (packed where the
 * kernels pack such a matrix at load, {@link KernelOps#packedLayout}). Nothing here reads a model file.
 */
public final class MatmulCalibration {

    /** Shapes {@code {rows, cols}} timed with one token: small to large, cols multiples of 256 (K-quants). */
    public static final List<int[]> DECODE_SHAPES = List.of(new int[] {512, 512}, new int[] {1536, 512},
            new int[] {512, 1536}, new int[] {2048, 2048}, new int[] {8192, 2048}, new int[] {2048, 8192});
    /** Shapes timed with many tokens. */
    public static final List<int[]> PROMPT_SHAPES = List.of(new int[] {512, 512}, new int[] {1536, 512},
            new int[] {2048, 2048}, new int[] {8192, 2048}, new int[] {2048, 8192});

    /** Every type the engine multiplies with. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1,
            GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.IQ4_NL);

    private static final long POOL_BYTES = 320L << 20;
    /** Timed rounds per shape; the median counts. */
    static final int ROUNDS = 5;

    /**
     * One type's fitted lines.
     *
     * @param decodeCallSeconds   fixed cost of a one-token call, s
     * @param decodeBytesPerSecond weight bytes streamed per second by one-token calls
     * @param promptCallSeconds   fixed cost of a many-token call, s
     * @param promptOpsPerSecond  multiply-adds × 2 per second of many-token calls
     */
    public record TypeRate(GgmlType type, double decodeCallSeconds, double decodeBytesPerSecond,
            double promptCallSeconds, double promptOpsPerSecond, List<Point> points) {}

    /**
     * One timed shape: {@code tokens} per call, seconds per call (the median round), and the share of its threads' time
     * this process got while timing it (CPU time ÷ (threads × wall time); near 1 when undisturbed, as the pool's
     * threads spin between calls).
     */
    public record Point(int rows, int cols, int tokens, double seconds, double cpuShare) {}

    /** How long to time each shape, and how many tokens the many-token calls carry. */
    public record Options(double secondsPerShape, int promptTokens) {
        public static Options defaults() {
            return new Options(0.25, 128);
        }
    }

    private MatmulCalibration() {}

    /** Times {@code type} on every shape once and fits both lines. */
    public static TypeRate measure(KernelOps ops, GgmlType type, Options options) {
        return fit(type, time(ops, type, options));
    }

    /**
     * Seconds per call of {@code type} on every {@link #DECODE_SHAPES} shape with one token, then every
     * {@link #PROMPT_SHAPES} shape with {@code options.promptTokens()} tokens, in that order.
     */
    public static List<Point> time(KernelOps ops, GgmlType type, Options options) {
        int tokens = options.promptTokens();
        int maxRows = 8192;
        int maxCols = 8192;
        try (Arena arena = Arena.ofShared()) {
            long maxMatrix = type.byteSize(8192L * 2048);
            MemorySegment pool = KernelBench.randomWeights(arena, new Random(7), type,
                    alignedBlocks(type, POOL_BYTES + maxMatrix));
            Random rnd = new Random(11);
            MemorySegment x = arena.allocate(4L * tokens * maxCols, 64);
            for (long i = 0; i < (long) tokens * maxCols; i++) {
                x.setAtIndex(JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() * 2 - 1);
            }
            MemorySegment out = arena.allocate(4L * tokens * maxRows, 64);
            MemorySegment[] packed = new MemorySegment[1]; // allocated when a shape first has a packed layout
            List<Point> points = new ArrayList<>();
            for (int[] shape : DECODE_SHAPES) {
                Weights w = weights(ops, type, pool, shape, packed, arena);
                points.add(timed(ops, shape, 1, () -> secondsPerCall(ops, w, shape, x, out, 1,
                        options.secondsPerShape())));
            }
            for (int[] shape : PROMPT_SHAPES) {
                Weights w = weights(ops, type, pool, shape, packed, arena);
                points.add(timed(ops, shape, tokens, () -> secondsPerCall(ops, w, shape, x, out, tokens,
                        options.secondsPerShape())));
            }
            return List.copyOf(points);
        }
    }

    private static Point timed(KernelOps ops, int[] shape, int tokens, java.util.function.DoubleSupplier timing) {
        long cpu = processCpuNanos();
        long wall = System.nanoTime();
        double seconds = timing.getAsDouble();
        double share = (processCpuNanos() - cpu) / ((System.nanoTime() - wall) * (double) ops.threads());
        return new Point(shape[0], shape[1], tokens, seconds, share);
    }

    /** CPU time of this process so far (ns), or 0 where the JVM does not report it. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    /**
     * Shape by shape, the median time over several sweeps of the same shapes (for an even count, the faster of the
     * two middle ones). NOTE: the median, not the fastest: on a host whose speed drifts over seconds (another
     * tenant's load, the power budget), the fastest of sweeps minutes apart described the quietest moment, while a
     * forward pass, and bench's mean over its repetitions, sees the typical one: calibrated at the fastest, a Xeon
     * (2 cores of a shared host) over-predicted llama-1b Q4_0's prompt speed by 82%. Within a sweep each shape
     * takes the median of its rounds ({@link #secondsPerCall} says why).
     */
    public static List<Point> median(List<List<Point>> sweeps) {
        if (sweeps.isEmpty()) {
            throw new IllegalArgumentException("no sweeps");
        }
        int shapes = sweeps.getFirst().size();
        List<Point> median = new ArrayList<>(shapes);
        for (int i = 0; i < shapes; i++) {
            List<Point> times = new ArrayList<>(sweeps.size());
            for (List<Point> sweep : sweeps) {
                if (sweep.size() != shapes) {
                    throw new IllegalArgumentException("sweeps of different shapes");
                }
                times.add(sweep.get(i));
            }
            times.sort(java.util.Comparator.comparingDouble(Point::seconds));
            median.add(times.get((times.size() - 1) / 2));
        }
        return List.copyOf(median);
    }

    /** Both lines of {@code type} fitted to timings from {@link #time}. */
    public static TypeRate fit(GgmlType type, List<Point> points) {
        List<Point> one = points.stream().filter(p -> p.tokens() == 1).toList();
        List<Point> many = points.stream().filter(p -> p.tokens() > 1).toList();
        double[] bytes = new double[one.size()];
        double[] decodeSeconds = new double[one.size()];
        for (int i = 0; i < one.size(); i++) {
            bytes[i] = type.byteSize((long) one.get(i).rows() * one.get(i).cols());
            decodeSeconds[i] = one.get(i).seconds();
        }
        double[] work = new double[many.size()];
        double[] promptSeconds = new double[many.size()];
        for (int i = 0; i < many.size(); i++) {
            Point p = many.get(i);
            work[i] = 2.0 * p.rows() * p.cols() * p.tokens();
            promptSeconds[i] = p.seconds();
        }
        double[] decode = fitRelative(bytes, decodeSeconds);
        double[] prompt = fitRelative(work, promptSeconds);
        return new TypeRate(type, decode[0], 1 / decode[1], prompt[0], 1 / prompt[1], points);
    }

    /**
     * Seconds of one call of {@code shape}: the median of {@link #ROUNDS} rounds (each about a fifth of
     * {@code seconds}, at least 3 calls) of calls cycling through the pool so the weights come from DRAM.
     *
     * <p>NOTE: the median, not the best round. On a host whose read bandwidth moves between ~28 and ~52 GB/s from
     * one fraction of a second to the next (a 2-core Zen 4 VM), the best of five 50 ms rounds was the least
     * disturbed 50 ms, and the decode lines it gave over-predicted bench's mean decode speed by 6-24% on all six
     * files of {@code scripts/calibrate-check.py} (4 rounds alternating), while they matched bench's best
     * repetition within 11%; bench, and a server, see the typical moment. The warm-up calls before the rounds take
     * the JIT's first compilation; a one-round hiccup (GC, a compilation) is filtered by the median too.
     */
    private static double secondsPerCall(KernelOps ops, Weights w, int[] shape, MemorySegment x, MemorySegment out,
            int tokens, double seconds) {
        int rows = shape[0];
        int cols = shape[1];
        long matrix = w.stride();
        long slots = Math.max(1, (w.pool().byteSize() - matrix) / matrix);
        for (int i = 0; i < 3; i++) { // warm-up: JIT, scratch sizing
            w.matmul(ops, 0, matrix, rows, cols, x, out, tokens);
        }
        long budget = (long) (seconds * 1e9 / ROUNDS);
        long calls = 0;
        double[] perCall = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long n = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                long offset = scattered(calls++, slots) * matrix;
                w.matmul(ops, offset, matrix, rows, cols, x, out, tokens);
                n++;
            } while ((elapsed = System.nanoTime() - start) < budget || n < 3);
            perCall[round] = elapsed / 1e9 / n;
        }
        Arrays.sort(perCall);
        return perCall[ROUNDS / 2];
    }

    /**
     * The pool slot of the {@code call}-th call: slots visited in a scattered order, never the one right after the
     * last. NOTE: a forward pass never finds its next matrix right behind the last one it read (GGUF files order a
     * layer's tensors by name, not by use), while consecutive slices let the hardware and the kernels' prefetch
     * of the next rows run on from one call into the next: calibrated that way, decode rates came out about 15%
     * above what a llama-1b forward pass streams.
     */
    static long scattered(long call, long slots) {
        if (slots <= 2) {
            return call % slots;
        }
        for (long step : new long[] {7919, 104_729, 1_299_709}) { // primes larger than any slot count here
            long r = step % slots;
            if (r > 1 && r < slots - 1 && gcd(step, slots) == 1) {
                return (call * r) % slots;
            }
        }
        return call % slots;
    }

    /**
     * The pool as the engine would multiply matrices of {@code shape}: itself, or (where the kernels have a packed
     * layout for the shape, see {@link KernelOps#packedLayout}) every slot of it packed into {@code packed[0]}.
     *
     * @param stride bytes of one matrix in {@code pool}: a packed layout may be larger than the file's
     *               ({@link KernelOps#packedBytes})
     */
    private record Weights(GgmlType type, int layout, MemorySegment pool, long stride) {
        void matmul(KernelOps ops, long offset, long bytes, int rows, int cols, MemorySegment x, MemorySegment out,
                int tokens) {
            MemorySegment w = pool.asSlice(offset, bytes);
            if (layout == 0) {
                ops.matmul(type, w, rows, cols, x, out, tokens);
            } else {
                ops.matmulPacked(layout, type, w, rows, cols, x, out, tokens);
            }
        }
    }

    private static Weights weights(KernelOps ops, GgmlType type, MemorySegment pool, int[] shape,
            MemorySegment[] packed, Arena arena) {
        int rows = shape[0];
        int cols = shape[1];
        int layout = ops.packedLayout(type, rows, cols);
        long matrix = type.byteSize((long) rows * cols);
        if (layout == 0) {
            return new Weights(type, 0, pool, matrix);
        }
        long packedMatrix = ops.packedBytes(layout, type, rows, cols);
        long count = pool.byteSize() / matrix;
        if (packed[0] == null || packed[0].byteSize() < count * packedMatrix) {
            packed[0] = AnonymousMemory.allocate(arena, count * packedMatrix); // as the engine's packed weights
        }
        for (long i = 0; i < count; i++) {
            ops.pack(layout, type, pool.asSlice(i * matrix, matrix), rows, cols,
                    packed[0].asSlice(i * packedMatrix, packedMatrix));
        }
        return new Weights(type, layout, packed[0].asSlice(0, count * packedMatrix), packedMatrix);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * Least-squares line {@code y = a + b x} minimizing the <em>relative</em> residuals {@code (y_i - a - b x_i) /
     * y_i} (weights {@code 1 / y_i²}); returns {@code {a, b}} with {@code a >= 0} (refitted through the origin when
     * the free intercept comes out negative) and {@code b > 0}.
     *
     * <p>NOTE: relative, because the shapes span two orders of magnitude of time (0.1 ms to 7 ms with 128 tokens):
     * fitted in absolute seconds, the intercept (the per-call cost) is decided by the largest shapes, where 3% of
     * noise is 200 µs, so one calibration gave Q8_0's many-token calls 133 µs of fixed cost and another 2.5 µs;
     * over smol-135m's 211 small matrices that one figure moved the predicted prompt speed by 40%. Weighted by
     * 1 / y², each shape counts by its relative error, and the small ones, which a model with small matrices is
     * made of, pin the intercept.
     */
    public static double[] fitRelative(double[] x, double[] y) {
        int n = x.length;
        for (double t : y) {
            if (!(t > 0) || !Double.isFinite(t)) {
                throw new IllegalArgumentException("timings must be positive and finite, got " + t);
            }
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 / (y[i] * y[i]);
        }
        return weightedFit(x, y, w);
    }

    /**
     * Least-squares line {@code y = a + b x}; returns {@code {a, b}} with {@code a >= 0} (refitted through the
     * origin when the free intercept comes out negative) and {@code b > 0}.
     */
    public static double[] fit(double[] x, double[] y) {
        double[] w = new double[x.length];
        Arrays.fill(w, 1);
        return weightedFit(x, y, w);
    }

    /** Weighted least squares of {@code y = a + b x} with weights {@code w}; the constraints of {@link #fit}. */
    private static double[] weightedFit(double[] x, double[] y, double[] w) {
        int n = x.length;
        double sw = 0;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            sw += w[i];
            mx += w[i] * x[i];
            my += w[i] * y[i];
        }
        mx /= sw;
        my /= sw;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += w[i] * (x[i] - mx) * (y[i] - my);
            sxx += w[i] * (x[i] - mx) * (x[i] - mx);
        }
        double b = sxx > 0 ? sxy / sxx : 0;
        double a = my - b * mx;
        if (a < 0 || b <= 0) {
            double num = 0;
            double den = 0;
            for (int i = 0; i < n; i++) {
                num += w[i] * x[i] * y[i];
                den += w[i] * x[i] * x[i];
            }
            a = 0;
            b = num / den;
        }
        if (!(b > 0) || !Double.isFinite(b)) {
            throw new IllegalStateException("timings do not grow with the work; cannot fit a rate");
        }
        return new double[] {a, b};
    }

    private static long alignedBlocks(GgmlType type, long bytes) {
        return bytes / type.typeSize() * type.typeSize();
    }
}
