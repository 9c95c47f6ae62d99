package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * The 5-bit legacy formats, 32 elements per block: the low 4 bits as in Q4 (byte j holds elements j and
 * j + 16), the fifth bit of element i in bit i of the little-endian u32 qh.
 * <pre>
 * Q5_0  32 el, 22 B   [0] d:f16               [2] qh:u32  [6] qs:16 B    x = d * (q - 16)
 * Q5_1  32 el, 24 B   [0] d:f16   [2] m:f16   [4] qh:u32  [8] qs:16 B    x = d * q + m
 * </pre>
 */
final class Q5Formats {

    static final int QK = 32;
    static final int Q5_0_BYTES = 22;
    static final int Q5_1_BYTES = 24;

    private Q5Formats() {}

    // ---- Q5_0 ----

    static void dequantizeQ5_0(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK; b++) {
            long blk = off + (long) b * Q5_0_BYTES;
            float d = Le.half(src, blk);
            int qh = src.get(Le.INT, blk + 2);
            int y = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, blk + 6 + j);
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                dst[y + j] = (((q & 0x0F) | xh0) - 16) * d;
                dst[y + j + QK / 2] = (((q >>> 4) | xh1) - 16) * d;
            }
        }
    }

    static void quantizeQ5_0(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK; b++) {
            int base = xOff + b * QK;
            long blk = off + (long) b * Q5_0_BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < QK; j++) {
                float v = x[base + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -16;
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = x[base + j] * id;
                float x1 = x[base + QK / 2 + j] * id;
                int xi0 = Math.min(31, Le.toInt8((int) (x0 + 16.5f))) & 0xFF;
                int xi1 = Math.min(31, Le.toInt8((int) (x1 + 16.5f))) & 0xFF;
                Le.put8(dst, blk + 6 + j, (xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            dst.set(Le.INT, blk + 2, qh);
        }
    }

    /** ggml_vec_dot_q5_0_q8_0: {@code sumf += (dx * dy) * sumi}. */
    static float dotQ5_0(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOff + (long) b * Q5_0_BYTES;
            long ab = aOff + (long) b * Q8Formats.Q8_0_BYTES;
            int qh = w.get(Le.INT, wb + 2);
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, wb + 6 + j);
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                sumi0 += (((q & 0x0F) | xh0) - 16) * Le.i8(a, ab + 2 + j);
                sumi1 += (((q >>> 4) | xh1) - 16) * Le.i8(a, ab + 2 + QK / 2 + j);
            }
            int sumi = sumi0 + sumi1;
            sumf += (Le.half(w, wb) * Le.half(a, ab)) * sumi;
        }
        return sumf;
    }

    // ---- Q5_1 ----

    static void dequantizeQ5_1(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / QK; b++) {
            long blk = off + (long) b * Q5_1_BYTES;
            float d = Le.half(src, blk);
            float m = Le.half(src, blk + 2);
            int qh = src.get(Le.INT, blk + 4);
            int y = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(src, blk + 8 + j);
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                dst[y + j] = ((q & 0x0F) | xh0) * d + m;
                dst[y + j + QK / 2] = ((q >>> 4) | xh1) * d + m;
            }
        }
    }

    static void quantizeQ5_1(float[] x, int xOff, MemorySegment dst, long off, int n) {
        for (int b = 0; b < n / QK; b++) {
            int base = xOff + b * QK;
            long blk = off + (long) b * Q5_1_BYTES;
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
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0f ? 1.0f / d : 0.0f;
            Le.putHalf(dst, blk, d);
            Le.putHalf(dst, blk + 2, min);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                float x0 = (x[base + j] - min) * id;
                float x1 = (x[base + QK / 2 + j] - min) * id;
                int xi0 = ((int) (x0 + 0.5f)) & 0xFF;
                int xi1 = ((int) (x1 + 0.5f)) & 0xFF;
                Le.put8(dst, blk + 8 + j, (xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
                qh |= ((xi0 & 0x10) >>> 4) << j;
                qh |= ((xi1 & 0x10) >>> 4) << (j + QK / 2);
            }
            dst.set(Le.INT, blk + 4, qh);
        }
    }

    /** ggml_vec_dot_q5_1_q8_1: {@code sumf += (dx * dy) * sumi + mx * sy}. */
    static float dotQ5_1(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        float sumf = 0f;
        for (int b = 0; b < n / QK; b++) {
            long wb = wOff + (long) b * Q5_1_BYTES;
            long ab = aOff + (long) b * Q8Formats.Q8_1_BYTES;
            int qh = w.get(Le.INT, wb + 4);
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q = Le.u8(w, wb + 8 + j);
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                sumi0 += ((q & 0x0F) | xh0) * Le.i8(a, ab + 4 + j);
                sumi1 += ((q >>> 4) | xh1) * Le.i8(a, ab + 4 + QK / 2 + j);
            }
            int sumi = sumi0 + sumi1;
            sumf += (Le.half(w, wb) * Le.half(a, ab)) * sumi + Le.half(w, wb + 2) * Le.half(a, ab + 2);
        }
        return sumf;
    }
}
