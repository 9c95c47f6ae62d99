package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 4-bit legacy formats, 32 elements per block; byte j of qs holds element j in its low nibble and
 * element j + 16 in its high nibble.
 * <pre>
 * Q4_0  32 el, 18 B   [0] d:f16   [2] qs:16 B            x = d * (q - 8)
 * Q4_1  32 el, 20 B   [0] d:f16   [2] m:f16   [4] qs:16 B x = d * q + m
 * </pre>
 * Q4_0 activations are Q8_0, Q4_1 activations are Q8_1 (whose s = d * sum(q) carries the offset term).
 */
final class Q4Formats {

    static final int QK = 32;
    static final int Q4_0_BYTES = 18;
    static final int Q4_1_BYTES = 20;

    private Q4Formats() {}

    // ---- Q4_0 ----

    static void dequantizeQ4_0(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK; b++) {
            long blk = off + (long) b * Q4_0_BYTES;
            float d = Le.half(src, blk);
            int y = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, blk + 2 + j);
                dst[y + j] = ((q & 0x0F) - 8) * d;
                dst[y + j + QK / 2] = ((q >>> 4) - 8) * d;
            }
        }
    }

    /** quantize_row_q4_0_ref: the signed extreme maps to -8, d = max / -8. */
    static void quantizeQ4_0(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK; b++) {
            int base = xOff + b * QK;
            long blk = off + (long) b * Q4_0_BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < QK; j++) {
                float v = x[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = x[base + j] * id;
                float x1 = x[base + QK / 2 + j] * id;
                int xi0 = Math.min(15, Le.toInt8((int) (x0 + 8.5f)));
                int xi1 = Math.min(15, Le.toInt8((int) (x1 + 8.5f)));
                Le.put8(dst, blk + 2 + j, (xi0 & 0xFF) | (xi1 << 4));
            }
        }
    }

    /**
     * quantize_row_q4_0_impl with an importance row ({@code qw[qwOff..qwOff+n)}): per block, weights
     * {@code qw[j] * sqrt(sigma2 + x[j]²)} (sigma2 the row's mean square) and make_qx_quants' 19-scale search.
     */
    static void quantizeQ4_0Weighted(float[] x, int xOff, MemorySegment dst, long off, int n, float[] qw,
            int qwOff) {
        float sumX2 = 0f;
        for (int j = 0; j < n; j++) {
            sumX2 += x[xOff + j] * x[xOff + j];
        }
        float sigma2 = sumX2 / n;
        float[] weight = new float[QK];
        int[] levels = new int[QK];
        for (int b = 0; b < n / QK; b++) {
            int base = xOff + b * QK;
            for (int j = 0; j < QK; j++) {
                float v = x[base + j];
                weight[j] = qw[qwOff + b * QK + j] * (float) Math.sqrt(sigma2 + v * v);
            }
            float d = KQuantSearch.makeQxQuants(QK, 8, x, base, levels, 0, weight);
            long blk = off + (long) b * Q4_0_BYTES;
            Le.putHalf(dst, blk, d);
            for (int j = 0; j < QK / 2; j++) {
                Le.put8(dst, blk + 2 + j, levels[j] | (levels[j + QK / 2] << 4));
            }
        }
    }

    /** ggml_vec_dot_q4_0_q8_0: int32 sum per block, then {@code sumf += sumi * dx * dy} (left to right). */
    static float dotQ4_0(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOff + (long) b * Q4_0_BYTES;
            long ab = aOff + (long) b * Q8Formats.Q8_0_BYTES;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, wb + 2 + j);
                sumi0 += ((q & 0x0F) - 8) * Le.i8(a, ab + 2 + j);
                sumi1 += ((q >>> 4) - 8) * Le.i8(a, ab + 2 + QK / 2 + j);
            }
            int sumi = sumi0 + sumi1;
            sumf += sumi * Le.half(w, wb) * Le.half(a, ab);
        }
        return sumf;
    }

    // ---- Q4_1 ----

    static void dequantizeQ4_1(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK; b++) {
            long blk = off + (long) b * Q4_1_BYTES;
            float d = Le.half(src, blk);
            float m = Le.half(src, blk + 2);
            int y = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, blk + 4 + j);
                dst[y + j] = (q & 0x0F) * d + m;
                dst[y + j + QK / 2] = (q >>> 4) * d + m;
            }
        }
    }

    /** quantize_row_q4_1_ref: min/max range split into 15 steps, m = min. */
    static void quantizeQ4_1(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK; b++) {
            int base = xOff + b * QK;
            long blk = off + (long) b * Q4_1_BYTES;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = x[base + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / ((1 << 4) - 1);
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            Le.putHalf(dst, blk + 2, min);
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (x[base + j] - min) * id;
                float x1 = (x[base + QK / 2 + j] - min) * id;
                int xi0 = Math.min(15, Le.toInt8((int) (x0 + 0.5f)));
                int xi1 = Math.min(15, Le.toInt8((int) (x1 + 0.5f)));
                Le.put8(dst, blk + 4 + j, (xi0 & 0xFF) | (xi1 << 4));
            }
        }
    }

    /** ggml_vec_dot_q4_1_q8_1: {@code sumf += (dx * dy) * sumi + mx * sy}. */
    static float dotQ4_1(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOff + (long) b * Q4_1_BYTES;
            long ab = aOff + (long) b * Q8Formats.Q8_1_BYTES;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, wb + 4 + j);
                sumi0 += (q & 0x0F) * Le.i8(a, ab + 4 + j);
                sumi1 += (q >>> 4) * Le.i8(a, ab + 4 + QK / 2 + j);
            }
            int sumi = sumi0 + sumi1;
            sumf += (Le.half(w, wb) * Le.half(a, ab)) * sumi + Le.half(w, wb + 2) * Le.half(a, ab + 2);
        }
        return sumf;
    }
}
