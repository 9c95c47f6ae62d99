package dev.quanta.worker.model;

import static dev.quanta.worker.model.GgmlMath.F32;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Times the steps of one transformer block that are not weight matmuls, for one decoded token, on synthetic
 * buffers: the two RMSNorms, RoPE of every query and key head, the f16 KV store, attention over {@code positions}
 * cached positions ({@link KernelOps#attention}, f16 cache), the two residual adds and SwiGLU — the same
 * {@link KernelOps} and {@link GgmlMath} calls {@link ForwardPass} makes, in its order. Used by {@code quanta calibrate} for the planner's
 * per-layer fixed cost; it reads no model.
 */
public final class LayerProbe {

    /**
     * A block's shape: model width, FFN width, query heads, KV heads, head width, cached positions attended to.
     */
    public record Shape(int dim, int ffnDim, int heads, int kvHeads, int headDim, int positions) {}

    private LayerProbe() {}

    /** Seconds per token of one block's non-matmul steps: the best of five rounds over about {@code seconds}. */
    public static double secondsPerLayer(KernelOps ops, Shape s, double seconds) {
        int qDim = s.heads() * s.headDim();
        int kvDim = s.kvHeads() * s.headDim();
        int blockSize = KvCache.DEFAULT_BLOCK_SIZE;
        int blocks = (s.positions() + blockSize) / blockSize + 1;
        SplittableRandom rnd = new SplittableRandom(3);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = random(arena, s.dim(), rnd);
            MemorySegment h = random(arena, s.dim(), rnd);
            MemorySegment norm = random(arena, s.dim(), rnd);
            MemorySegment q = random(arena, qDim, rnd);
            MemorySegment k = random(arena, kvDim, rnd);
            MemorySegment v = random(arena, kvDim, rnd);
            MemorySegment att = random(arena, qDim, rnd);
            MemorySegment proj = random(arena, s.dim(), rnd);
            // NOTE: SwiGLU runs in place over and over; gate = -1 with up = 1 + e is its stable fixed point
            // (silu(-1) * (1 + e) = -1), so the values neither vanish into subnormals nor grow
            MemorySegment gate = constant(arena, s.ffnDim(), -1f);
            MemorySegment up = constant(arena, s.ffnDim(), (float) (1 + Math.E));
            long cacheHalfs = (long) blocks * blockSize * kvDim;
            MemorySegment keys = arena.allocate(cacheHalfs * 2, 64);
            MemorySegment values = arena.allocate(cacheHalfs * 2, 64);
            for (long i = 0; i < cacheHalfs; i++) {
                keys.setAtIndex(GgmlMath.F16, i, Float.floatToFloat16((float) rnd.nextDouble(-1, 1)));
                values.setAtIndex(GgmlMath.F16, i, Float.floatToFloat16((float) rnd.nextDouble(-1, 1)));
            }
            MemorySegment table = arena.allocate(4L * blocks, 64);
            for (int b = 0; b < blocks; b++) {
                table.setAtIndex(ValueLayout.JAVA_INT, b, b);
            }
            MemorySegment seqLens = arena.allocate(4, 64);
            seqLens.setAtIndex(ValueLayout.JAVA_INT, 0, s.positions() + 1);
            MemorySegment seqIndex = arena.allocate(4, 64); // 0: the one sequence
            GgmlMath math = new GgmlMath(Math.max(Math.max(s.dim(), s.ffnDim()), Math.max(qDim, kvDim)));
            float[] angles = new float[s.headDim()];
            GgmlMath.ropeCache(s.positions(), s.headDim(), GgmlMath.ropeThetaScale(10000f, s.headDim()), 1f, null,
                    angles, 0);
            MemorySegment cosSin = arena.allocate(4L * s.headDim(), 64);
            MemorySegment.copy(angles, 0, cosSin, F32, 0, s.headDim());
            float scale = 1f / (float) Math.sqrt(s.headDim());
            long store = (long) s.positions() * kvDim; // the new token's slot (blocks are laid out in order)
            Runnable layer = () -> {
                ops.rmsNorm(h, x, norm, s.dim(), 1, 1e-5f);
                ops.rope(q, cosSin, 1, s.heads(), s.headDim(), s.headDim(), false);
                ops.rope(k, cosSin, 1, s.kvHeads(), s.headDim(), s.headDim(), false);
                math.storeHalf(k, 0, keys, store, kvDim);
                math.storeHalf(v, 0, values, store, kvDim);
                ops.attention(att, q, 1, s.heads(), s.kvHeads(), s.headDim(), keys, values, GgmlType.F16, blockSize,
                        table, 1, blocks, seqIndex, seqLens, scale);
                ops.add(x, proj, s.dim());
                ops.rmsNorm(h, x, norm, s.dim(), 1, 1e-5f);
                ops.swiglu(gate, up, 1, s.ffnDim());
                ops.add(x, proj, s.dim());
            };
            return bestSecondsPerRun(layer, 200, seconds);
        }
    }

    /**
     * Operations per second of {@link KernelOps#attention} over a causal prompt: {@code queries} tokens, token t
     * attending to positions 0..t of an f16 cache, {@code heads} query heads over {@code kvHeads} KV heads of
     * {@code headDim}; operations = 4 · heads · headDim · Σ_t (t + 1) (the QK dot products and the weighted V sums,
     * a multiply and an add each). The best of five rounds over about {@code seconds}.
     */
    public static double attentionOpsPerSecond(KernelOps ops, int heads, int kvHeads, int headDim, int queries,
            double seconds) {
        int blockSize = KvCache.DEFAULT_BLOCK_SIZE;
        int blocks = (queries + blockSize - 1) / blockSize;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        SplittableRandom rnd = new SplittableRandom(9);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment q = random(arena, queries * qDim, rnd);
            MemorySegment out = arena.allocate(4L * queries * qDim, 64);
            long cacheHalfs = (long) blocks * blockSize * kvDim;
            MemorySegment keys = arena.allocate(cacheHalfs * 2, 64);
            MemorySegment values = arena.allocate(cacheHalfs * 2, 64);
            for (long i = 0; i < cacheHalfs; i++) {
                keys.setAtIndex(GgmlMath.F16, i, Float.floatToFloat16((float) rnd.nextDouble(-1, 1)));
                values.setAtIndex(GgmlMath.F16, i, Float.floatToFloat16((float) rnd.nextDouble(-1, 1)));
            }
            MemorySegment tables = arena.allocate(4L * blocks, 64); // the prompt's one sequence
            for (int b = 0; b < blocks; b++) {
                tables.setAtIndex(ValueLayout.JAVA_INT, b, b);
            }
            MemorySegment seqIndex = arena.allocate(4L * queries, 64); // every query in sequence 0
            MemorySegment seqLens = arena.allocate(4L * queries, 64);
            double work = 0;
            for (int t = 0; t < queries; t++) {
                seqLens.setAtIndex(ValueLayout.JAVA_INT, t, t + 1);
                work += 4.0 * heads * headDim * (t + 1);
            }
            float scale = 1f / (float) Math.sqrt(headDim);
            Runnable call = () -> ops.attention(out, q, queries, heads, kvHeads, headDim, keys, values, GgmlType.F16,
                    blockSize, tables, 1, blocks, seqIndex, seqLens, scale);
            return work / bestSecondsPerRun(call, 5, seconds);
        }
    }

    /**
     * Seconds per run of {@code run} after {@code warmups} unmeasured runs (JIT): the best of five rounds of about a
     * fifth of {@code seconds} each, since on a shared machine every disturbance only adds time.
     */
    private static double bestSecondsPerRun(Runnable run, int warmups, double seconds) {
        for (int i = 0; i < warmups; i++) {
            run.run();
        }
        long budget = (long) (seconds * 1e9 / 5);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long runs = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                run.run();
                runs++;
            } while ((elapsed = System.nanoTime() - start) < budget);
            best = Math.min(best, elapsed / 1e9 / runs);
        }
        return best;
    }

    private static MemorySegment constant(Arena arena, int n, float value) {
        MemorySegment s = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(F32, i, value);
        }
        return s;
    }

    private static MemorySegment random(Arena arena, int n, SplittableRandom rnd) {
        MemorySegment s = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(F32, i, (float) rnd.nextDouble(-0.1, 0.1));
        }
        return s;
    }
}
