package dev.quanta.kernels;

/**
 * {@link NativeKernelOps}' element-wise steps (RMSNorm, RoPE, SwiGLU, residual add) on the C library, split over
 * units (tokens, rows or elements) on the kernels' pool once a step is large enough to pay for the dispatch.
 * Arguments arrive validated, as raw addresses (pool threads receive addresses, as the matmul's do). Not
 * thread-safe: the owning {@link NativeKernelOps}' caller only.
 */
final class NativeElementwise {

    /** Below this many elements an element-wise step runs on the caller alone (dispatch would cost more). */
    private static final long PARALLEL_MIN_ELEMENTS = 32 * 1024;

    private static final int EW_RMS_NORM = 1;
    private static final int EW_ROPE = 2;
    private static final int EW_SWIGLU = 3;
    private static final int EW_ADD = 4;

    private final WorkerPool pool;
    private final ChunkedRange chunks; // shared with the owner's other parallel steps
    private final int level;

    // The current step, written by the caller before the pool runs it.
    private int ewOp;
    private long ewA; // address: out / x / gate
    private long ewB; // address: x / cosSin / up / y
    private long ewC; // address: weight, 0 for none
    private int ewDim;
    private int ewHeads;
    private int ewHeadDim;
    private int ewRopeDim;
    private boolean ewNeox;
    private float ewEps;
    private final ChunkedRange.Range elementwiseRange = this::elementwiseRange;

    NativeElementwise(WorkerPool pool, ChunkedRange chunks, int level) {
        this.pool = pool;
        this.chunks = chunks;
        this.level = level;
    }

    /** out, x: f32 [numTokens][dim]; weight: f32 [dim], or 0 for none (see {@link KernelOps#rmsNorm}). */
    void rmsNorm(long out, long x, long weight, int dim, int numTokens, float eps) {
        ewOp = EW_RMS_NORM;
        ewA = out;
        ewB = x;
        ewC = weight;
        ewDim = dim;
        ewEps = eps;
        run(numTokens, dim);
    }

    /** x: f32 [numTokens][numHeads][headDim]; cosSin: f32 [numTokens][ropeDim] (see {@link KernelOps#rope}). */
    void rope(long x, long cosSin, int numTokens, int numHeads, int headDim, int ropeDim, boolean neox) {
        ewOp = EW_ROPE;
        ewA = x;
        ewB = cosSin;
        ewHeads = numHeads;
        ewHeadDim = headDim;
        ewRopeDim = ropeDim;
        ewNeox = neox;
        run(numTokens, (long) numHeads * ropeDim);
    }

    /** gate, up: f32 [rows][n]; gate = silu(gate) * up (see {@link KernelOps#swiglu}). */
    void swiglu(long gate, long up, int rows, int n) {
        ewOp = EW_SWIGLU;
        ewA = gate;
        ewB = up;
        ewDim = n;
        run(rows, n);
    }

    /** x += y, f32 [n]. */
    void add(long x, long y, long n) {
        ewOp = EW_ADD;
        ewA = x;
        ewB = y;
        run(n, 1);
    }

    /** Runs the prepared step over {@code units} (tokens, rows or elements) of {@code size} elements. */
    private void run(long units, long size) {
        if (pool.size() == 1 || units < 2 || units * size < PARALLEL_MIN_ELEMENTS) {
            elementwiseRange(0, units);
            return;
        }
        chunks.run(pool, units, (units + pool.size() * 2L - 1) / (pool.size() * 2L), elementwiseRange);
    }

    private void elementwiseRange(long u0, long u1) {
        try {
            switch (ewOp) {
                case EW_RMS_NORM -> NativeLibrary.RMS_NORM.invokeExact(level, ewA + u0 * ewDim * 4,
                        ewB + u0 * ewDim * 4, ewC, ewDim, (int) (u1 - u0), ewEps);
                case EW_ROPE -> NativeLibrary.ROPE.invokeExact(level, ewA + u0 * ewHeads * ewHeadDim * 4,
                        ewB + u0 * ewRopeDim * 4, (int) (u1 - u0), ewHeads, ewHeadDim, ewRopeDim, ewNeox ? 1 : 0);
                case EW_SWIGLU -> NativeLibrary.SWIGLU.invokeExact(level, ewA + u0 * ewDim * 4, ewB + u0 * ewDim * 4,
                        u1 - u0, (long) ewDim);
                case EW_ADD -> NativeLibrary.ADD.invokeExact(level, ewA + u0 * 4, ewB + u0 * 4, u1 - u0);
                default -> throw new IllegalStateException("no element-wise step prepared");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("element-wise kernel failed", e);
        }
    }
}
