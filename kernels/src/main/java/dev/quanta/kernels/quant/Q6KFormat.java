package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K: 256 elements in 16 groups of 16 with signed 8-bit scales, 210 bytes.
 * <pre>
 * [0]   ql:128 B        low 4 bits; for half c (0..1), element 128c + 32k + l (k 0..3, l 0..31) is the
 *                       low nibble of ql[64c + l] (k=0), of ql[64c + 32 + l] (k=1), or their high nibbles (k=2, 3)
 * [128] qh:64 B         high 2 bits of that element: bits 2k..2k+1 of qh[32c + l]
 * [192] scales:16 x i8  group scale
 * [208] d:f16
 * x = d * scale_g * (q - 32)
 * </pre>
 * Activations are Q8_K.
 */
final class Q6KFormat {

    static final int QK_K = 256;
    static final int BYTES = 210;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    private Q6KFormat() {}

    /** Decodes the signed levels (-32..31) of the 256 elements of the block in {@code b} into {@code q}. */
    private static void levels(byte[] b, int[] q) {
        for (int c = 0; c < 2; c++) {
            for (int l = 0; l < 32; l++) {
                int ql0 = b[64 * c + l] & 0xFF;
                int ql1 = b[64 * c + 32 + l] & 0xFF;
                int h = b[QH + 32 * c + l] & 0xFF;
                int e = 128 * c + l;
                q[e] = ((ql0 & 0xF) | ((h & 3) << 4)) - 32;
                q[e + 32] = ((ql1 & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                q[e + 64] = ((ql0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                q[e + 96] = ((ql1 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
            }
        }
    }

    static void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        byte[] b = new byte[BYTES];
        int[] q = new int[QK_K];
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(src, off + (long) blk * BYTES, b);
            levels(b, q);
            float d = Le.half(b, D);
            int y = dstOff + blk * QK_K;
            for (int e = 0; e < QK_K; e++) {
                dst[y + e] = d * b[SCALES + e / 16] * q[e];
            }
        }
    }

    /** quantize_row_q6_K_ref (no importance matrix). */
    static void quantize(float[] x, int xOff, MemorySegment dst, long off, int n) {
        int[] levels = new int[QK_K];
        float[] scales = new float[QK_K / 16];
        byte[] out = new byte[BYTES];
        for (int blk = 0; blk < n / QK_K; blk++) {
            int base = xOff + blk * QK_K;
            java.util.Arrays.fill(out, (byte) 0);
            float maxScale = 0f;
            float maxAbsScale = 0f;
            for (int ib = 0; ib < QK_K / 16; ib++) {
                float scale = KQuantSearch.makeQxQuants(16, 32, x, base + 16 * ib, levels, 16 * ib);
                scales[ib] = scale;
                float absScale = Math.abs(scale);
                if (absScale > maxAbsScale) {
                    maxAbsScale = absScale;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < KQuantSearch.GROUP_MAX_EPS) {
                Le.store(out, dst, off + (long) blk * BYTES);
                continue;
            }
            float iscale = -128.f / maxScale;
            Le.putHalf(out, D, 1 / iscale);
            for (int ib = 0; ib < QK_K / 16; ib++) {
                out[SCALES + ib] = (byte) Math.min(127, Le.nearestInt(iscale * scales[ib]));
            }
            float dh = Le.half(out, D);
            for (int j = 0; j < QK_K / 16; j++) {
                float d = dh * out[SCALES + j];
                if (d == 0f) {
                    continue;
                }
                for (int ii = 0; ii < 16; ii++) {
                    int l = Le.nearestInt(x[base + 16 * j + ii] / d);
                    l = Math.max(-32, Math.min(31, l));
                    levels[16 * j + ii] = l + 32;
                }
            }
            for (int c = 0; c < 2; c++) {
                int j = 128 * c;
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[j + l] & 0xF;
                    int q2 = levels[j + l + 32] & 0xF;
                    int q3 = levels[j + l + 64] & 0xF;
                    int q4 = levels[j + l + 96] & 0xF;
                    out[64 * c + l] = (byte) (q1 | (q3 << 4));
                    out[64 * c + 32 + l] = (byte) (q2 | (q4 << 4));
                    out[QH + 32 * c + l] = (byte) ((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                            | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6));
                }
            }
            Le.store(out, dst, off + (long) blk * BYTES);
        }
    }

    /**
     * ggml_vec_dot_q6_K_q8_K: int32 sums in 8 lanes (element index mod 8) scaled by {@code dx * dy} into 8 float
     * lane sums across blocks, added in lane order at the end.
     */
    static float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        byte[] x = new byte[BYTES];
        byte[] y = new byte[Q8Formats.Q8_K_BYTES];
        int[] q = new int[QK_K];
        float[] sums = new float[8];
        int[] aux32 = new int[8];
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(w, wOff + (long) blk * BYTES, x);
            Le.load(a, aOff + (long) blk * Q8Formats.Q8_K_BYTES, y);
            levels(x, q);
            java.util.Arrays.fill(aux32, 0);
            for (int g = 0; g < 16; g++) {
                int scale = x[SCALES + g];
                for (int e = 16 * g; e < 16 * g + 16; e += 8) {
                    for (int l = 0; l < 8; l++) {
                        aux32[l] += scale * (y[4 + e + l] * q[e + l]);
                    }
                }
            }
            float d = Le.half(x, D) * Le.f32(y, 0);
            for (int l = 0; l < 8; l++) {
                sums[l] += d * aux32[l];
            }
        }
        float sumf = 0f;
        for (int l = 0; l < 8; l++) {
            sumf += sums[l];
        }
        return sumf;
    }
}
