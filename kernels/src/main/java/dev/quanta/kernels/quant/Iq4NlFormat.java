package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * IQ4_NL, llama.cpp's non-linear 4-bit format: each 4-bit index selects one of 16 fixed signed levels
 * ({@link #VALUES}, denser near zero, like bitsandbytes' NF4), scaled by one f16 per block of 32.
 * <pre>
 * IQ4_NL  32 el, 18 B   [0] d:f16   [2] qs:16 B   x = d * VALUES[q]
 * </pre>
 * Byte j of qs holds element j in its low nibble and element j + 16 in its high nibble (as Q4_0). Activations
 * are Q8_0 ({@code ggml_vec_dot_iq4_nl_q8_0}).
 *
 * <p>Quantization is ggml's {@code quantize_row_iq4_nl_impl} with one block per "super-block": per block the
 * weights are x² (or, with an importance matrix, {@code qw[j] * sqrt(sigma2 + x[j]²)} where sigma2 is twice the
 * block's mean square), the first scale maps the signed extreme to level -127, and {@code 2·ntry + 1} further
 * scales {@code (itry - 127) / max} are tried, keeping the one with the best weighted fit
 * {@code (Σw·q·x)² / Σw·q²}. Files use ntry = 7 ({@code quantize_iq4_nl}, what llama-quantize calls, with or
 * without an importance matrix); {@code quantize_row_iq4_nl_ref} uses ntry = -1 (no search). Float
 * expressions keep C's evaluation order term by term (ggml-base is compiled without fused multiply-adds).
 */
final class Iq4NlFormat {

    static final int QK = 32;
    static final int BYTES = 18;
    /** The file format's search width ({@code quantize_iq4_nl}). */
    static final int FILE_NTRY = 7;

    /** {@code kvalues_iq4nl}: the 16 levels, ascending. */
    static final int[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private Iq4NlFormat() {}

    static void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK; b++) {
            long blk = off + (long) b * BYTES;
            float d = Le.half(src, blk);
            int y = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, blk + 2 + j);
                dst[y + j] = d * VALUES[q & 0x0F];
                dst[y + j + QK / 2] = d * VALUES[q >>> 4];
            }
        }
    }

    /**
     * quantize_iq4_nl for one row of {@code n} elements.
     *
     * @param importance per-element importance (the imatrix row for these columns, {@code importance[impOff..]}),
     *                   or null for none
     */
    static void quantize(float[] x, int xOff, MemorySegment dst, long off, int n, float[] importance, int impOff,
            int ntry) {
        float[] weight = new float[QK];
        int[] levels = new int[QK];
        for (int b = 0; b < n / QK; b++) {
            quantizeBlock(x, xOff + b * QK, dst, off + (long) b * BYTES, importance,
                    importance == null ? 0 : impOff + b * QK, ntry, weight, levels);
        }
    }

    /**
     * best_index_int8: the index of the level nearest {@code x}; on an exact midpoint the upper one.
     */
    static int bestIndex(float x) {
        if (x <= VALUES[0]) {
            return 0;
        }
        if (x >= VALUES[15]) {
            return 15;
        }
        int ml = 0;
        int mu = 15;
        while (mu - ml > 1) {
            int mav = (ml + mu) / 2;
            if (x < VALUES[mav]) {
                mu = mav;
            } else {
                ml = mav;
            }
        }
        return x - VALUES[mu - 1] < VALUES[mu] - x ? mu - 1 : mu;
    }

    /**
     * One block of quantize_row_iq4_nl_impl(super_block_size = block_size = 32). {@code levels} carries over
     * between blocks as C's stack array does: an all-zero block (amax below {@code GROUP_MAX_EPS}) leaves its
     * scale 0 and then re-derives every index from x·0, which is level 8 (the value 1) for each element.
     */
    private static void quantizeBlock(float[] x, int xb, MemorySegment dst, long blk, float[] qw, int qwOff,
            int ntry, float[] weight, int[] levels) {
        float sigma2 = 0f;
        for (int j = 0; j < QK; j++) {
            sigma2 += x[xb + j] * x[xb + j];
        }
        sigma2 *= 2.f / QK;
        for (int j = 0; j < QK; j++) {
            float v = x[xb + j];
            weight[j] = qw != null ? qw[qwOff + j] * (float) Math.sqrt(sigma2 + v * v) : v * v;
        }
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < QK; j++) {
            float ax = Math.abs(x[xb + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xb + j];
            }
        }
        float scale;
        if (amax < KQuantSearch.GROUP_MAX_EPS) {
            scale = 0f;
        } else {
            float d = ntry > 0 ? -max / VALUES[0] : max / VALUES[0];
            float id = 1 / d;
            float sumqx = 0f;
            float sumq2 = 0f;
            for (int j = 0; j < QK; j++) {
                float al = id * x[xb + j];
                int l = bestIndex(al);
                levels[j] = l;
                float q = VALUES[l];
                float w = weight[j];
                sumqx += w * q * x[xb + j];
                sumq2 += w * q * q;
            }
            d = sumq2 > 0 ? sumqx / sumq2 : 0.f;
            float best = d * sumqx;
            for (int itry = -ntry; itry <= ntry; itry++) {
                id = (itry + VALUES[0]) / max;
                sumqx = 0f;
                sumq2 = 0f;
                for (int j = 0; j < QK; j++) {
                    float al = id * x[xb + j];
                    int l = bestIndex(al);
                    float q = VALUES[l];
                    float w = weight[j];
                    sumqx += w * q * x[xb + j];
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scale = d;
        }
        Le.putHalf(dst, blk, scale);
        if (ntry > 0) {
            float id = scale != 0f ? 1 / scale : 0f;
            for (int j = 0; j < QK; j++) {
                levels[j] = bestIndex(id * x[xb + j]);
            }
        }
        for (int j = 0; j < QK / 2; j++) {
            Le.put8(dst, blk + 2 + j, levels[j] | (levels[j + QK / 2] << 4));
        }
    }

    /** ggml_vec_dot_iq4_nl_q8_0: int32 sums per block, then {@code sumf += (dy * dx) * (sumi1 + sumi2)}. */
    static float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOff + (long) b * BYTES;
            long ab = aOff + (long) b * Q8Formats.Q8_0_BYTES;
            float d = Le.half(a, ab) * Le.half(w, wb);
            int sumi1 = 0;
            int sumi2 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, wb + 2 + j);
                sumi1 += Le.i8(a, ab + 2 + j) * VALUES[q & 0x0F];
                sumi2 += Le.i8(a, ab + 2 + QK / 2 + j) * VALUES[q >>> 4];
            }
            sumf += d * (sumi1 + sumi2);
        }
        return sumf;
    }
}
