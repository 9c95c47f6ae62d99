package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * The reference for {@link KernelOps#attention}: one query head against the cached positions of one KV head,
 * computed exactly as llama.cpp's CPU flash attention does it for a chunk of queries
 * ({@code ggml_compute_forward_flash_attn_ext_f16_one_chunk}, what llama.cpp runs by default on the CPU), so that
 * the engine's logits round the way llama.cpp's do. The C kernels ({@code attention_item} in
 * {@code kernels/native/src}) implement the same steps and must give the same bits.
 * <ul>
 *   <li>F16 cache: the query is rounded to f16; each score is {@code ggml_vec_dot_f16} with AVX2's shape (f32 lanes
 *       of 4 accumulators x 8 over whole 32-element steps (FMA), reduced as {@code GGML_F32x8_REDUCE}) or AVX-512's
 *       (4 x 16 over 64-element steps, {@code _mm512_reduce_add_ps}), the tail added in double, then times the
 *       scale;</li>
 *   <li>online softmax over positions in order: a new maximum rescales the accumulator by
 *       {@code expf(Mold - M)}, otherwise the value is weighted by {@code expf(s - M)} (the C library's, as llama.cpp
 *       calls it: {@link CMath#expf}); the running sum is {@code S = fma(S, ms, vs)} (ggml writes
 *       {@code S*ms + vs}; its C++ is compiled with FMA contraction, as llama.cpp's builds are);</li>
 *   <li>the value accumulator is itself f16 for an F16 cache (rounded after every update: FMA over the
 *       whole SIMD steps and, contracted, on the tail), f32 otherwise; the result is the accumulator times
 *       {@code 1 / S}.</li>
 * </ul>
 * NOTE: llama.cpp switches to a tiled path with f32 accumulators for batches of many queries and splits long
 * decodes over threads; those differ in the last bits only.
 *
 * <p>Not thread-safe: one instance per thread.
 */
final class FlashAttention {

    private final float[] query = new float[0x400]; // [headDim] the query, f16-rounded for an F16 cache
    private final float[] acc = new float[0x400];   // [headDim] value accumulator
    private final int width;                        // lanes per SIMD accumulator: 8 (AVX2 shape) or 16 (AVX-512)
    private final float[] lanes;                    // 4 SIMD accumulators x width lanes of a dot product
    private final float[] reduced;                  // [width] the accumulators added lane by lane

    /** @param wide llama.cpp's AVX-512 shape (4 x 16 lanes per 64 elements) instead of AVX2's (4 x 8 per 32) */
    FlashAttention(boolean wide) {
        this.width = wide ? 16 : 8;
        this.lanes = new float[4 * width];
        this.reduced = new float[width];
    }

    /**
     * out[0..headDim) = softmax_p(scale * q . K[p]) . V[p] over positions p in [0, seqLen).
     *
     * @param posOffset byte offset of position p's slot for this KV head in the caches, [seqLen]
     * @param half      whether the caches hold f16 (else f32)
     */
    void attend(MemorySegment q, long qOff, int headDim, MemorySegment keys, MemorySegment values, long[] posOffset,
                int seqLen, boolean half, float scale, MemorySegment out, long outOff) {
        for (int d = 0; d < headDim; d++) {
            float v = q.getAtIndex(JAVA_FLOAT_UNALIGNED, qOff + d);
            query[d] = half ? roundF16(v) : v;
            acc[d] = 0f;
        }
        float m = Float.NEGATIVE_INFINITY; // running maximum score
        float s = 0f;                      // running sum of exp(score - m)
        for (int p = 0; p < seqLen; p++) {
            float score = dot(keys, posOffset[p], headDim, half) * scale;
            float ms = 1f;
            float vs = 1f;
            if (score > m) {
                float mOld = m;
                m = score;
                ms = CMath.expf(mOld - m);
                for (int d = 0; d < headDim; d++) {
                    float v = acc[d] * ms;
                    acc[d] = half ? roundF16(v) : v;
                }
            } else {
                vs = CMath.expf(score - m);
            }
            mad(values, posOffset[p], headDim, half, vs);
            s = Math.fma(s, ms, vs); // ggml's S = S*ms + vs, contracted to one fma by its compiler
        }
        float inv = s == 0f ? 0f : 1f / s;
        for (int d = 0; d < headDim; d++) {
            out.setAtIndex(JAVA_FLOAT_UNALIGNED, outOff + d, acc[d] * inv);
        }
    }

    private static float kv(MemorySegment cache, long off, int i, boolean half) {
        return half ? Float.float16ToFloat(cache.get(JAVA_SHORT_UNALIGNED, off + 2L * i))
                : cache.get(JAVA_FLOAT_UNALIGNED, off + 4L * i);
    }

    /** ggml_vec_dot_f16 (F16 cache, tail in double) or ggml_vec_dot_f32 (F32 cache) of a key with the query. */
    private float dot(MemorySegment keys, long off, int headDim, boolean half) {
        int step = 4 * width;
        int np = headDim - headDim % step;
        float[] l = lanes;
        java.util.Arrays.fill(l, 0f);
        for (int i = 0; i < np; i += step) {
            for (int j = 0; j < step; j++) {
                l[j] = Math.fma(kv(keys, off, i + j, half), query[i + j], l[j]);
            }
        }
        float vec = 0f;
        if (np > 0) {
            // the 4 accumulators reduced as (a0 + a2) + (a1 + a3), lane by lane
            float[] x = reduced;
            for (int k = 0; k < width; k++) {
                x[k] = (l[k] + l[2 * width + k]) + (l[width + k] + l[3 * width + k]);
            }
            vec = width == 16 ? reduce16(x) : hadd8(x);
        }
        if (half) {
            double sum = vec;
            for (int i = np; i < headDim; i++) {
                sum += kv(keys, off, i, true) * query[i];
            }
            return (float) sum;
        }
        float sum = vec;
        for (int i = np; i < headDim; i++) {
            sum += kv(keys, off, i, false) * query[i];
        }
        return sum;
    }

    /** GGML_F32x8_REDUCE's last step: halves added, then two _mm_hadd_ps. */
    private static float hadd8(float[] x) {
        float t0 = x[0] + x[4];
        float t1 = x[1] + x[5];
        float t2 = x[2] + x[6];
        float t3 = x[3] + x[7];
        return (t0 + t1) + (t2 + t3);
    }

    /** _mm512_reduce_add_ps as GCC computes it: halves, then quarters, then pairs. */
    private static float reduce16(float[] x) {
        float s0 = (x[8] + x[0]) + (x[12] + x[4]);
        float s1 = (x[9] + x[1]) + (x[13] + x[5]);
        float s2 = (x[10] + x[2]) + (x[14] + x[6]);
        float s3 = (x[11] + x[3]) + (x[15] + x[7]);
        return (s0 + s2) + (s1 + s3);
    }

    /**
     * acc += w * v (ggml_vec_mad_f16 / _f32): one fma per element, the SIMD steps explicitly and the tail because
     * ggml's {@code y + x*v} is contracted; rounded to f16 after each element for an F16 cache.
     */
    private void mad(MemorySegment values, long off, int headDim, boolean half, float w) {
        for (int d = 0; d < headDim; d++) {
            float v = Math.fma(kv(values, off, d, half), w, acc[d]);
            acc[d] = half ? roundF16(v) : v;
        }
    }

    /** v rounded to the nearest f16 (ties to even), as a float. */
    static float roundF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }
}
