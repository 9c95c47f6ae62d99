package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * The compute kernels a transformer forward pass needs, behind one narrow boundary.
 *
 * <p>Conventions for every method:
 * <ul>
 *   <li>All tensors are {@link MemorySegment}s; activations are little-endian {@code f32}, row-major, and
 *       must be <b>native</b> (off-heap) segments for the native implementation (zero-copy). Weights are
 *       slices of the memory-mapped GGUF file in their on-disk layout (see {@link GgmlType}).</li>
 *   <li>Shapes are written {@code [outer][inner]}; "f32 [n][d]" means {@code n * d * 4} bytes with element
 *       {@code (i, j)} at byte offset {@code (i * d + j) * 4}. A segment may be larger than its shape; it is
 *       never read or written past it. A segment that is too small is an {@link IllegalArgumentException}.</li>
 *   <li>An instance is used by one caller thread at a time (the engine's step loop); it parallelises
 *       internally over its own fixed pool of {@link #threads()} threads. Calls allocate nothing in steady
 *       state: scratch buffers are owned by the instance and only grow.</li>
 *   <li>Output segments must not overlap inputs unless a method says "in place".</li>
 * </ul>
 *
 * <p>Implementations: {@link JavaKernelOps} (plain scalar Java, the reference and the fallback) and
 * {@link NativeKernelOps} (the C library through FFM, SIMD chosen by CPUID). Obtain one through
 * {@link Kernels#create(KernelConfig)}, which logs the choice once.
 */
public interface KernelOps extends AutoCloseable {

    /** Human-readable implementation, instruction set and thread count, e.g. {@code "native avx2, 2 threads"}. */
    String description();

    /**
     * The instruction set whose llama.cpp arithmetic these kernels reproduce. The engine's own element-wise steps
     * follow the same one (llama.cpp's SiLU, for one, uses a different vector exp on AVX2 and on AVX-512), so that a
     * whole forward pass rounds as llama.cpp's does on this kind of CPU. {@link Isa#SCALAR}: ggml's generic code.
     */
    default Isa arithmetic() {
        return Isa.SCALAR;
    }

    /** Number of threads (including the caller) the kernels split work over; at least 1. */
    int threads();

    /**
     * Matrix times many tokens: {@code out[t][r] = sum_c W[r][c] * x[t][c]} for {@code t < numTokens},
     * {@code r < rows}.
     *
     * <p>The activations are first quantized to the weight type's activation format as llama.cpp pairs them
     * (Q8_0 for Q4_0/Q5_0/Q8_0/IQ4_NL, Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants); F32, F16 and BF16 weights are
     * multiplied with the f32 activations directly (NOTE: not rounded to f16 as ggml does — same bandwidth, a
     * little more accuracy). Rows are split over the pool; every weight block is read from memory once for all
     * tokens.
     *
     * @param wType     weight type; one of F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K … Q6_K, IQ4_NL
     * @param w         weights {@code [rows][cols]} of {@code wType}, rows contiguous, each row
     *                  {@code wType.byteSize(cols)} bytes
     * @param rows      output features (rows of W), &gt; 0
     * @param cols      input features, a multiple of {@code wType.blockSize()} (256 for K-quants)
     * @param x         activations f32 {@code [numTokens][cols]}
     * @param out       result f32 {@code [numTokens][rows]}
     * @param numTokens tokens in the batch, &gt; 0
     */
    void matmul(GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment x, MemorySegment out, int numTokens);

    /**
     * The layout this implementation multiplies a {@code rows × cols} matrix of {@code wType} fastest in, when it
     * is not the file's: a nonzero id to {@link #pack} the matrix with once (at model load) and to pass to
     * {@link #matmulPacked}; 0 (the default) when the matrix is best used as it is. Packed matrices give results
     * bit-identical to {@link #matmul} on the original (IQ4_NL and Q8_0: llama.cpp's repacked order, which differs
     * in the last bits; see the native README). Every token count gets the same bits either way.
     */
    default int packedLayout(GgmlType wType, int rows, int cols) {
        return 0;
    }

    /**
     * Bytes of the {@code layout} form of a {@code rows × cols} matrix of {@code wType}: {@code rows ×
     * wType.byteSize(cols)} (the default, and the packed forms of Q4_0, Q8_0 and Q2_K), or a little more where a layout
     * keeps unpacked scales (Q3_K, Q4_K, Q5_K: 114 / 110, 148 / 144 and 180 / 176 of it).
     */
    default long packedBytes(int layout, GgmlType wType, int rows, int cols) {
        return rows * wType.byteSize(cols);
    }

    /**
     * Writes the {@code layout} form of {@code w} (from {@link #packedLayout}) to {@code dst}, which holds
     * {@link #packedBytes} and must be native memory.
     */
    default void pack(int layout, GgmlType wType, MemorySegment w, int rows, int cols, MemorySegment dst) {
        throw new UnsupportedOperationException(description() + " has no packed layouts");
    }

    /** {@link #matmul} on weights written by {@link #pack} in {@code layout}; same arguments and results. */
    default void matmulPacked(int layout, GgmlType wType, MemorySegment packed, int rows, int cols, MemorySegment x,
            MemorySegment out, int numTokens) {
        throw new UnsupportedOperationException(description() + " has no packed layouts");
    }

    // Element-wise steps, in ggml's CPU arithmetic so a forward pass rounds as llama.cpp's does on this kind of CPU
    // (the one reference is GgmlElementwise; the native kernels give the same bits). Large calls run on the pool.

    /**
     * RMSNorm per token: {@code out[t][i] = (x[t][i] * scale) * weight[i]} with {@code scale = 1 / sqrtf(mean +
     * eps)}, mean the sum of squares (float products added in double, in order) over dim, cast to float
     * (ggml_compute_forward_rms_norm_f32, then ggml_mul).
     *
     * @param out    f32 {@code [numTokens][dim]}; may be the same segment as {@code x} (in place)
     * @param x      f32 {@code [numTokens][dim]}
     * @param weight f32 {@code [dim]}, or null for no weight
     * @param eps    added to the mean square, e.g. 1e-5
     */
    void rmsNorm(MemorySegment out, MemorySegment x, MemorySegment weight, int dim, int numTokens, float eps);

    /**
     * Rotary position embedding, in place, with each token's angles given: for token t, head h and pair
     * {@code i0 = 0, 2, .. ropeDim - 2} with {@code (c, s) = cosSin[t][i0], cosSin[t][i0 + 1]}, the pair
     * {@code (a, b)} becomes {@code (fma(a, c, -(b s)), fma(a, s, b c))} (ggml's rotation as its compiler contracts
     * it). Dimensions {@code >= ropeDim} of each head are left alone.
     *
     * @param x       f32 {@code [numTokens][numHeads][headDim]}, rotated in place
     * @param cosSin  f32 {@code [numTokens][ropeDim]}: (cos, sin) of each pair's angle at the token's position
     * @param headDim elements per head
     * @param ropeDim rotated elements per head, even, {@code <= headDim}
     * @param neox    false: pairs {@code (i0, i0+1)} (Llama / "normal"); true: pairs {@code (i0/2, i0/2 + ropeDim/2)}
     *                (NeoX / Qwen2 order)
     */
    void rope(MemorySegment x, MemorySegment cosSin, int numTokens, int numHeads, int headDim, int ropeDim,
            boolean neox);

    /**
     * SwiGLU in place, per row of n: {@code gate[r][i] = silu(gate[r][i]) * up[r][i]}, {@code silu(g) = g / (1 +
     * e^-g)}, as ggml_vec_swiglu_f32 on {@link #arithmetic()}: whole vector steps (16 on AVX-512, 8 on AVX2) use that
     * ISA's ggml_v_expf, the rest of each row (every element, for {@link Isa#SCALAR}) the C library's expf.
     *
     * @param gate f32 {@code [rows][n]}, overwritten with the result
     * @param up   f32 {@code [rows][n]}
     */
    void swiglu(MemorySegment gate, MemorySegment up, int rows, int n);

    /**
     * Residual add in place: {@code x[i] += y[i]}.
     *
     * @param x f32 {@code [n]}
     * @param y f32 {@code [n]}
     */
    void add(MemorySegment x, MemorySegment y, long n);

    /**
     * Wrapping sum of the 64-bit words {@code [from, to)} of {@code buffer}: the read loop of the memory bandwidth
     * probe ({@code bench --memory}). Runs on the calling thread, so a {@link #forEach} task may call it. The
     * native kernels read with the widest vectors (scalar loads keep too few cache misses in flight to reach the
     * bandwidth of far memory); the result is the same whatever reads it.
     *
     * @param buffer 64-bit words, at least {@code to} of them
     */
    default long sumWords(MemorySegment buffer, long from, long to) {
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s3 = 0;
        long i = from;
        for (; i + 4 <= to; i += 4) {
            s0 += buffer.getAtIndex(JAVA_LONG, i);
            s1 += buffer.getAtIndex(JAVA_LONG, i + 1);
            s2 += buffer.getAtIndex(JAVA_LONG, i + 2);
            s3 += buffer.getAtIndex(JAVA_LONG, i + 3);
        }
        for (; i < to; i++) {
            s0 += buffer.getAtIndex(JAVA_LONG, i);
        }
        return s0 + s1 + s2 + s3;
    }

    /**
     * Causal attention of {@code numQueries} query tokens from {@code numSeqs} sequences against a paged KV cache
     * (one layer).
     *
     * <p>For query t of sequence {@code s = seqIndex[t]} and head h (kv head {@code g = h / (numHeads / numKvHeads)}),
     * with {@code n = seqLens[t]} cached positions {@code p = 0 .. n-1}, position p living in block
     * {@code blockTables[s][p / blockSize]} at slot {@code p % blockSize}:
     * {@code out[t][h] = sum_p softmax_p(scale * q[t][h] . K[p][g]) * V[p][g]}.
     * Parallel over (query, KV head).
     *
     * @param out             f32 {@code [numQueries][numHeads][headDim]}
     * @param q               f32 {@code [numQueries][numHeads][headDim]}
     * @param numHeads        query heads, a multiple of {@code numKvHeads}
     * @param numKvHeads      key/value heads (GQA)
     * @param headDim         elements per head
     * @param keyCache        keys {@code [numBlocks][blockSize][numKvHeads][headDim]} of {@code kvType}
     * @param valueCache      values, same shape and type as {@code keyCache}
     * @param kvType          F16 or F32
     * @param blockSize       positions per cache block (e.g. 16)
     * @param blockTables     i32 {@code [numSeqs][maxBlocksPerSeq]}: row s lists, in order, the cache block ids
     *                        holding sequence s (one row per sequence, shared by all its queries)
     * @param numSeqs         rows of {@code blockTables}, &gt; 0
     * @param maxBlocksPerSeq row length of {@code blockTables}
     * @param seqIndex        i32 {@code [numQueries]}: the row of {@code blockTables} of query t's sequence
     * @param seqLens         i32 {@code [numQueries]}: positions query t attends to (its own position + 1,
     *                        already written to the cache), {@code 1 <= seqLens[t] <= maxBlocksPerSeq * blockSize}
     * @param scale           score scale, usually {@code 1 / sqrt(headDim)}
     */
    void attention(MemorySegment out, MemorySegment q, int numQueries, int numHeads, int numKvHeads, int headDim,
            MemorySegment keyCache, MemorySegment valueCache, GgmlType kvType, int blockSize,
            MemorySegment blockTables, int numSeqs, int maxBlocksPerSeq, MemorySegment seqIndex, MemorySegment seqLens,
            float scale);

    /**
     * Runs {@code task} for every item in {@code [0, items)} on the kernels' threads (the caller included) and
     * returns when all are done. Items are claimed one at a time, so any thread may run any item; {@code worker}
     * ({@code 0 .. threads() - 1}) names the running thread so the task can use per-thread scratch. This lets the
     * engine spread its own Java work (e.g. attention) over the same pool as the kernels rather than a second one
     * competing for the cores. The task must not call back into these ops.
     *
     * @param items number of independent work items, &gt;= 0
     */
    void forEach(int items, ItemTask task);

    /** One work item of {@link #forEach}. */
    @FunctionalInterface
    interface ItemTask {
        /**
         * @param worker index of the running thread, {@code 0 .. threads() - 1}
         * @param item   the item to do, {@code 0 .. items - 1}
         */
        void run(int worker, int item);
    }

    /** Stops the worker threads and frees scratch memory. Idempotent. */
    @Override
    void close();
}
