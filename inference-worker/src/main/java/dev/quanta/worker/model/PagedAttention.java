package dev.quanta.worker.model;

import static dev.quanta.worker.model.GgmlMath.f32;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Causal attention of the query heads that share one KV head against a paged KV cache, computed as llama.cpp's CPU
 * flash attention ({@code ggml_compute_forward_flash_attn_ext_f16_one_chunk}) does, which is what llama.cpp runs by
 * default:
 * <ul>
 *   <li>F16 cache: the query is rounded to f16; each score is ggml_vec_dot_f16 (f32 lanes of 8 x 4 accumulators
 *       over whole 32-element steps, a fixed reduction tree, the tail in double) times the scale;</li>
 *   <li>online softmax over positions 0..n-1 in order: a new maximum rescales the accumulator by
 *       {@code exp(Mold - M)}, otherwise the value is weighted by {@code exp(s - M)};</li>
 *   <li>the value accumulator is itself f16 for an F16 cache (rounded after every update), f32 otherwise;
 *       the result is divided by the running sum at the end.</li>
 * </ul>
 * NOTE: for long prompts (64+ queries per pass) and decode over 512+ cached positions llama.cpp switches to tiled /
 * split paths with f32 accumulators; the difference is within f16 rounding and only matters for bit-exactness.
 *
 * <p>The sequence's keys and values for one KV head are first converted to f32 rows (once for all query heads of
 * the group), so the inner loops run over plain arrays. Not thread-safe: one instance per thread.
 */
final class PagedAttention {

    private final int headDim;
    private final float[] query;                 // [headDim] query, rounded to f16 for an F16 cache
    private final float[] acc;                   // [headDim] value accumulator (f16-valued for an F16 cache)
    private final float[] lanes = new float[32]; // 4 SIMD accumulators x 8 lanes of a dot product
    private float[] keys = new float[0];         // [seqLen][headDim] this KV head's keys, f32
    private float[] values = new float[0];       // [seqLen][headDim] this KV head's values, f32

    PagedAttention(int headDim) {
        this.headDim = headDim;
        this.query = new float[headDim];
        this.acc = new float[headDim];
    }

    /**
     * For query heads {@code firstHead .. firstHead + numHeads - 1} of one token (all reading KV head
     * {@code kvHead}): out[h] = softmax_p(scale * q[h] . K[p]) . V[p] over positions p in [0, seqLen).
     *
     * @param q          f32 [numHeads of the token][headDim] at element offset qOff (the first head of the group)
     * @param cache      the KV cache (its type, block size and strides)
     * @param layerKeys  layer keys, [numBlocks][blockSize][numKvHeads][headDim]
     * @param layerValues layer values, same shape
     * @param blockTable the sequence's blocks, covering seqLen positions
     * @param out        f32 results at element offset outOff, laid out like q
     */
    void attendGroup(MemorySegment q, long qOff, int numHeads, KvCache cache, MemorySegment layerKeys,
                     MemorySegment layerValues, int[] blockTable, int seqLen, int kvHead, float scale,
                     MemorySegment out, long outOff) {
        boolean half = cache.type() == GgmlType.F16;
        gather(cache, layerKeys, layerValues, blockTable, seqLen, kvHead, half);
        for (int h = 0; h < numHeads; h++) {
            attendOne(q, qOff + (long) h * headDim, seqLen, scale, half, out, outOff + (long) h * headDim);
        }
    }

    /** keys/values[p] = the cached rows of positions p < seqLen for kvHead, as f32. */
    private void gather(KvCache cache, MemorySegment layerKeys, MemorySegment layerValues, int[] blockTable,
                        int seqLen, int kvHead, boolean half) {
        int needed = seqLen * headDim;
        if (keys.length < needed) {
            keys = new float[Math.max(needed, keys.length * 2)];
            values = new float[keys.length];
        }
        int blockSize = cache.blockSize();
        for (int p = 0; p < seqLen; p++) {
            long byteOff = cache.offset(blockTable[p / blockSize], p % blockSize, kvHead);
            int dst = p * headDim;
            if (half) {
                for (int d = 0; d < headDim; d++) {
                    keys[dst + d] = Float.float16ToFloat(layerKeys.get(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + 2L * d));
                    values[dst + d] = Float.float16ToFloat(layerValues.get(ValueLayout.JAVA_SHORT_UNALIGNED, byteOff + 2L * d));
                }
            } else {
                MemorySegment.copy(layerKeys, GgmlMath.F32, byteOff, keys, dst, headDim);
                MemorySegment.copy(layerValues, GgmlMath.F32, byteOff, values, dst, headDim);
            }
        }
    }

    private void attendOne(MemorySegment q, long qOff, int seqLen, float scale, boolean half, MemorySegment out,
                           long outOff) {
        for (int d = 0; d < headDim; d++) {
            float v = f32(q, qOff + d);
            query[d] = half ? roundF16(v) : v;
            acc[d] = 0f;
        }
        float m = Float.NEGATIVE_INFINITY; // running maximum score
        float s = 0f;                      // running sum of exp(score - m)
        for (int p = 0; p < seqLen; p++) {
            int row = p * headDim;
            float score = (half ? dotF16(row) : dotF32(row)) * scale;
            float ms = 1f;
            float vs = 1f;
            if (score > m) {
                float mOld = m;
                m = score;
                ms = (float) Math.exp(mOld - m);
                scaleAcc(ms, half);
            } else {
                vs = (float) Math.exp(score - m);
            }
            if (half) {
                madF16(row, vs);
            } else {
                madF32(row, vs);
            }
            s = s * ms + vs;
        }
        float inv = s == 0f ? 0f : 1f / s;
        for (int d = 0; d < headDim; d++) {
            f32(out, outOff + d, acc[d] * inv);
        }
    }

    /** ggml_vec_dot_f16 (AVX2 shape) of key row {@code row} with the f16-rounded query. */
    private float dotF16(int row) {
        int np = headDim & ~31;
        double sum = 0.0;
        if (np > 0) {
            sum = laneDot(row, np);
        }
        for (int i = np; i < headDim; i++) {
            sum += keys[row + i] * query[i];
        }
        return (float) sum;
    }

    /** ggml_vec_dot_f32 (AVX2 shape). */
    private float dotF32(int row) {
        int np = headDim & ~31;
        float sum = np > 0 ? laneDot(row, np) : 0f;
        for (int i = np; i < headDim; i++) {
            sum += keys[row + i] * query[i];
        }
        return sum;
    }

    /** The SIMD part: lanes[j] accumulates elements j, j+32, j+64, ... with FMA; then GGML_F32x8_REDUCE. */
    private float laneDot(int row, int np) {
        float[] l = lanes;
        java.util.Arrays.fill(l, 0f);
        for (int i = 0; i < np; i += 32) {
            for (int j = 0; j < 32; j++) {
                l[j] = Math.fma(keys[row + i + j], query[i + j], l[j]);
            }
        }
        float t0 = lane(l, 0) + lane(l, 4);
        float t1 = lane(l, 1) + lane(l, 5);
        float t2 = lane(l, 2) + lane(l, 6);
        float t3 = lane(l, 3) + lane(l, 7);
        return (t0 + t1) + (t2 + t3);
    }

    /** Lane l after the accumulator tree: (acc0 + acc2) + (acc1 + acc3). */
    private static float lane(float[] lanes, int l) {
        return (lanes[l] + lanes[16 + l]) + (lanes[8 + l] + lanes[24 + l]);
    }

    private void scaleAcc(float factor, boolean half) {
        for (int d = 0; d < headDim; d++) {
            float v = acc[d] * factor;
            acc[d] = half ? roundF16(v) : v;
        }
    }

    /** ggml_vec_mad_f16: acc += v * w, rounded to f16 after each element (FMA in whole 32-element steps). */
    private void madF16(int row, float w) {
        int np = headDim & ~31;
        for (int d = 0; d < np; d++) {
            acc[d] = roundF16(Math.fma(values[row + d], w, acc[d]));
        }
        for (int d = np; d < headDim; d++) {
            acc[d] = roundF16(acc[d] + values[row + d] * w);
        }
    }

    private void madF32(int row, float w) {
        int np = headDim & ~31;
        for (int d = 0; d < np; d++) {
            acc[d] = Math.fma(values[row + d], w, acc[d]);
        }
        for (int d = np; d < headDim; d++) {
            acc[d] = acc[d] + values[row + d] * w;
        }
    }

    static float roundF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }
}
