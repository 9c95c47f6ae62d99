package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 8-bit formats: Q8_0 (weights and the activations paired with Q4_0/Q5_0/Q8_0), Q8_1 (activations for
 * Q4_1/Q5_1) and Q8_K (activations for every K-quant).
 * <pre>
 * Q8_0  32 el, 34 B   [0] d:f16   [2] qs:32 x i8                         x = d * q
 * Q8_1  32 el, 36 B   [0] d:f16   [2] s:f16 = d * sum(qs)   [4] qs:32 x i8
 * Q8_K 256 el, 292 B  [0] d:f32   [4] qs:256 x i8   [260] bsums:16 x i16 (sum of each run of 16 qs)
 * </pre>
 * Q8_0/Q8_1 use the largest magnitude → ±127 with C {@code roundf}; Q8_K maps the signed extreme to -127 with
 * {@code nearest_int} (round half to even) and keeps d in f32.
 */
final class Q8Formats {

    static final int QK8 = 32;
    static final int Q8_0_BYTES = 34;
    static final int Q8_1_BYTES = 36;
    static final int QK_K = 256;
    static final int Q8_K_BYTES = 292;

    private Q8Formats() {}

    // ---- Q8_0 ----

    static void dequantizeQ8_0(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK8; b++) {
            long blk = off + (long) b * Q8_0_BYTES;
            float d = Le.half(src, blk);
            for (int j = 0; j < QK8; j++) {
                dst[dstOff + b * QK8 + j] = Le.i8(src, blk + 2 + j) * d;
            }
        }
    }

    /** max |x[i]| over [from, from + n), as ggml's MAX(amax, fabsf(v)) scan. */
    static float absMax(float[] x, int from, int n) {
        float amax = 0f;
        for (int j = from; j < from + n; j++) {
            float a = Math.abs(x[j]);
            amax = amax > a ? amax : a;
        }
        return amax;
    }

    static void quantizeQ8_0(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK8; b++) {
            int base = xOff + b * QK8;
            long blk = off + (long) b * Q8_0_BYTES;
            float amax = absMax(x, base, QK8);
            float d = amax / ((1 << 7) - 1);
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            for (int j = 0; j < QK8; j++) {
                Le.put8(dst, blk + 2 + j, (int) Le.roundf(x[base + j] * id));
            }
        }
    }

    /**
     * Q8_0 for matmul activations as llama.cpp's x86 CPU backend quantizes them ({@code quantize_row_q8_0} with
     * AVX2): {@code d = amax / 127} stored as f16, values scaled by {@code 127 / amax} (not {@code 1 / d}) and
     * rounded half to even. Differs from {@link #quantizeQ8_0} (the file format's reference) in the last bit of a
     * few values, enough to change greedy decoding after some dozens of tokens; the engine pairs its Q8_0 matmuls
     * with this one so that Q8_0 models reproduce llama.cpp's logits.
     */
    static void quantizeQ8_0Activations(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK8; b++) {
            int base = xOff + b * QK8;
            long blk = off + (long) b * Q8_0_BYTES;
            float amax = absMax(x, base, QK8);
            float id = amax != 0f ? 127f / amax : 0f;
            Le.putHalf(dst, blk, amax / 127f);
            for (int j = 0; j < QK8; j++) {
                Le.put8(dst, blk + 2 + j, (int) Math.rint(x[base + j] * id));
            }
        }
    }

    /** ggml_vec_dot_q8_0_q8_0: per block an int32 sum, then {@code sumf += sumi * (dx * dy)}. */
    static float dotQ8_0(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK8; b++) {
            long wb = wOff + (long) b * Q8_0_BYTES;
            long ab = aOff + (long) b * Q8_0_BYTES;
            int sumi = 0;
            for (int j = 0; j < QK8; j++) {
                sumi += Le.i8(w, wb + 2 + j) * Le.i8(a, ab + 2 + j);
            }
            sumf += sumi * (Le.half(w, wb) * Le.half(a, ab));
        }
        return sumf;
    }

    // ---- Q8_1 ----

    static void dequantizeQ8_1(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK8; b++) {
            long blk = off + (long) b * Q8_1_BYTES;
            float d = Le.half(src, blk);
            for (int j = 0; j < QK8; j++) {
                dst[dstOff + b * QK8 + j] = Le.i8(src, blk + 4 + j) * d;
            }
        }
    }

    static void quantizeQ8_1(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK8; b++) {
            int base = xOff + b * QK8;
            long blk = off + (long) b * Q8_1_BYTES;
            float amax = absMax(x, base, QK8);
            float d = amax / ((1 << 7) - 1);
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            int sum = 0;
            for (int j = 0; j < QK8 / 2; j++) {
                int q0 = Le.toInt8((int) Le.roundf(x[base + j] * id));
                int q1 = Le.toInt8((int) Le.roundf(x[base + QK8 / 2 + j] * id));
                Le.put8(dst, blk + 4 + j, q0);
                Le.put8(dst, blk + 4 + QK8 / 2 + j, q1);
                sum += q0 + q1;
            }
            Le.putHalf(dst, blk + 2, sum * d);
        }
    }

    // ---- Q8_K ----

    static void dequantizeQ8_K(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            long blk = off + (long) b * Q8_K_BYTES;
            float d = src.get(Le.FLOAT, blk);
            for (int j = 0; j < QK_K; j++) {
                dst[dstOff + b * QK_K + j] = d * Le.i8(src, blk + 4 + j);
            }
        }
    }

    static void quantizeQ8_K(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK_K; b++) {
            int base = xOff + b * QK_K;
            long blk = off + (long) b * Q8_K_BYTES;
            float max = KQuantSearch.signedMax(x, base, QK_K);
            if (max == 0f) {
                // NOTE: ggml leaves bsums untouched here; we zero them so output is deterministic.
                dst.asSlice(blk, Q8_K_BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -127f / max;
            for (int g = 0; g < QK_K / 16; g++) {
                int sum = 0; // bsums: the 16 quantized values of group g
                for (int j = g * 16; j < g * 16 + 16; j++) {
                    int q = Le.toInt8(Math.min(127, Le.nearestInt(iscale * x[base + j])));
                    Le.put8(dst, blk + 4 + j, q);
                    sum += q;
                }
                dst.set(Le.SHORT, blk + 260 + 2L * g, (short) sum);
            }
            dst.set(Le.FLOAT, blk, 1 / iscale);
        }
    }
}
