package dev.quanta.worker.model;

import static dev.quanta.worker.model.GgmlMath.f16;
import static dev.quanta.worker.model.GgmlMath.f32;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Causal attention of one query head against a paged KV cache, computed as llama.cpp's CPU flash attention
 * ({@code ggml_compute_forward_flash_attn_ext_f16_one_chunk}) does, which is what llama.cpp runs by default:
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
 * <p>Not thread-safe: one instance per thread (it owns scratch arrays of [headDim]).
 */
final class PagedAttention {

    private final int headDim;
    private final float[] query; // [headDim] query, rounded to f16 for an F16 cache
    private final float[] acc;   // [headDim] value accumulator (f16-valued for an F16 cache)
    private final float[] lanes = new float[32]; // 4 SIMD accumulators x 8 lanes of a dot product

    PagedAttention(int headDim) {
        this.headDim = headDim;
        this.query = new float[headDim];
        this.acc = new float[headDim];
    }

    /**
     * out[0..headDim) = softmax_p(scale * q . K[p]) . V[p] over positions p in [0, seqLen).
     *
     * @param q          f32 query head at element offset qOff, [headDim]
     * @param cache      the KV cache (its type, block size and strides)
     * @param keys       layer keys, [numBlocks][blockSize][numKvHeads][headDim]
     * @param values     layer values, same shape
     * @param blockTable the sequence's blocks, covering seqLen positions
     * @param kvHead     which KV head this query head reads
     * @param out        f32 result at element offset outOff, [headDim]
     */
    void attend(MemorySegment q, long qOff, KvCache cache, MemorySegment keys, MemorySegment values,
                int[] blockTable, int seqLen, int kvHead, float scale, MemorySegment out, long outOff) {
        boolean half = cache.type() == GgmlType.F16;
        int blockSize = cache.blockSize();
        for (int d = 0; d < headDim; d++) {
            float v = f32(q, qOff + d);
            query[d] = half ? roundF16(v) : v;
            acc[d] = 0f;
        }
        float m = Float.NEGATIVE_INFINITY; // running maximum score
        float s = 0f;                      // running sum of exp(score - m)
        for (int p = 0; p < seqLen; p++) {
            long element = cache.offset(blockTable[p / blockSize], p % blockSize, kvHead) / cache.elementBytes();
            float score = (half ? dotF16(keys, element) : dotF32(keys, element)) * scale;
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
                madF16(values, element, vs);
            } else {
                madF32(values, element, vs);
            }
            s = s * ms + vs;
        }
        float inv = s == 0f ? 0f : 1f / s;
        for (int d = 0; d < headDim; d++) {
            f32(out, outOff + d, acc[d] * inv);
        }
    }

    /** ggml_vec_dot_f16 (AVX2 shape) of the cached key at element offset k with the f16-rounded query. */
    private float dotF16(MemorySegment keys, long k) {
        int np = headDim & ~31;
        double sum = 0.0;
        if (np > 0) {
            float[] lanes = this.lanes;
            java.util.Arrays.fill(lanes, 0f);
            for (int i = 0; i < np; i += 32) {
                for (int j = 0; j < 32; j++) {
                    lanes[j] = Math.fma(f16(keys, k + i + j), query[i + j], lanes[j]);
                }
            }
            sum = reduce(lanes);
        }
        for (int i = np; i < headDim; i++) {
            sum += f16(keys, k + i) * query[i];
        }
        return (float) sum;
    }

    /** ggml_vec_dot_f32 (AVX2 shape). */
    private float dotF32(MemorySegment keys, long k) {
        int np = headDim & ~31;
        float sum = 0f;
        if (np > 0) {
            float[] lanes = this.lanes;
            java.util.Arrays.fill(lanes, 0f);
            for (int i = 0; i < np; i += 32) {
                for (int j = 0; j < 32; j++) {
                    lanes[j] = Math.fma(f32(keys, k + i + j), query[i + j], lanes[j]);
                }
            }
            sum = reduce(lanes);
        }
        for (int i = np; i < headDim; i++) {
            sum += f32(keys, k + i) * query[i];
        }
        return sum;
    }

    /** GGML_F32x8_REDUCE over four 8-lane accumulators: (a0+a2)+(a1+a3), then halves, then pairwise adds. */
    private static float reduce(float[] lanes) {
        float t0 = lane(lanes, 0) + lane(lanes, 4);
        float t1 = lane(lanes, 1) + lane(lanes, 5);
        float t2 = lane(lanes, 2) + lane(lanes, 6);
        float t3 = lane(lanes, 3) + lane(lanes, 7);
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
    private void madF16(MemorySegment values, long v, float w) {
        int np = headDim & ~31;
        for (int d = 0; d < np; d++) {
            acc[d] = roundF16(Math.fma(f16(values, v + d), w, acc[d]));
        }
        for (int d = np; d < headDim; d++) {
            acc[d] = roundF16(acc[d] + f16(values, v + d) * w);
        }
    }

    private void madF32(MemorySegment values, long v, float w) {
        int np = headDim & ~31;
        for (int d = 0; d < np; d++) {
            acc[d] = Math.fma(f32(values, v + d), w, acc[d]);
        }
        for (int d = np; d < headDim; d++) {
            acc[d] = acc[d] + f32(values, v + d) * w;
        }
    }

    static float roundF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }
}
