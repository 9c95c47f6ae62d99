package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q3_K: 256 elements in 16 groups of 16 with signed 6-bit scales, 110 bytes.
 * <pre>
 * [0]   hmask:32 B    high bit of element e is bit e/32 of hmask[e % 32]; set means +0, clear means -4
 * [32]  qs:64 B       low 2 bits; element 128c + 32j + l is bits 2j..2j+1 of qs[32c + l]
 * [96]  scales:12 B   group g (0..15): low 4 bits in nibble (g/8) of byte g%8, high 2 bits at
 *                     bits 2(g/4).. of byte 8 + g%4; stored + 32
 * [108] d:f16
 * x = d * (scale_g - 32) * ((q2 | hbit << 2) - 4)
 * </pre>
 * Activations are Q8_K.
 */
final class Q3KFormat {

    static final int QK_K = 256;
    static final int BYTES = 110;
    private static final int QS = 32;
    private static final int SCALES = 96;
    private static final int D = 108;

    private Q3KFormat() {}

    /** The signed scale of group g (already minus 32) from the block in {@code b}. */
    private static int scale(byte[] b, int g) {
        int low = g < 8 ? b[SCALES + g] & 0xF : (b[SCALES + g - 8] & 0xFF) >>> 4;
        int high = ((b[SCALES + 8 + g % 4] & 0xFF) >>> (2 * (g / 4))) & 3;
        return (low | (high << 4)) - 32;
    }

    /** Decodes the signed levels (-4..3) of the 256 elements of the block in {@code b} into {@code q}. */
    private static void levels(byte[] b, int[] q) {
        for (int c = 0; c < 2; c++) {
            for (int j = 0; j < 4; j++) {
                int hbit = 4 * c + j; // element 128c + 32j + l has its high bit at bit 4c + j of hmask[l]
                for (int l = 0; l < 32; l++) {
                    int low = ((b[QS + 32 * c + l] & 0xFF) >>> (2 * j)) & 3;
                    q[128 * c + 32 * j + l] = low - (((b[l] >>> hbit) & 1) != 0 ? 0 : 4);
                }
            }
        }
    }

    static void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        byte[] b = new byte[BYTES];
        int[] q = new int[QK_K];
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(src, off + (long) blk * BYTES, b);
            levels(b, q);
            float dAll = Le.half(b, D);
            int y = dstOff + blk * QK_K;
            for (int g = 0; g < 16; g++) {
                float dl = dAll * scale(b, g);
                for (int l = 0; l < 16; l++) {
                    dst[y + 16 * g + l] = dl * q[16 * g + l];
                }
            }
        }
    }

    /** quantize_row_q3_K_ref (no importance matrix). */
    static void quantize(float[] x, int xOff, MemorySegment dst, long off, int n) {
        int[] levels = new int[QK_K];
        float[] scales = new float[QK_K / 16];
        byte[] out = new byte[BYTES];
        for (int blk = 0; blk < n / QK_K; blk++) {
            int base = xOff + blk * QK_K;
            java.util.Arrays.fill(out, (byte) 0);
            float maxScale = 0f;
            float amax = 0f;
            for (int j = 0; j < QK_K / 16; j++) {
                scales[j] = KQuantSearch.makeQ3Quants(16, 4, x, base + 16 * j, levels, 16 * j);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            if (maxScale != 0f) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < QK_K / 16; j++) {
                    int l = Le.toInt8(Le.nearestInt(iscale * scales[j]));
                    l = Math.max(-32, Math.min(31, l)) + 32;
                    if (j < 8) {
                        out[SCALES + j] = (byte) (l & 0xF);
                    } else {
                        out[SCALES + j - 8] |= (byte) ((l & 0xF) << 4);
                    }
                    l >>= 4;
                    out[SCALES + j % 4 + 8] |= (byte) (l << (2 * (j / 4)));
                }
                Le.putHalf(out, D, 1 / iscale);
            } else {
                Le.putHalf(out, D, 0f);
            }
            float dh = Le.half(out, D);
            for (int j = 0; j < QK_K / 16; j++) {
                float d = dh * scale(out, j);
                if (d == 0f) {
                    continue;
                }
                for (int ii = 0; ii < 16; ii++) {
                    int l = Le.nearestInt(x[base + 16 * j + ii] / d);
                    l = Math.max(-4, Math.min(3, l));
                    levels[16 * j + ii] = l + 4;
                }
            }
            // high bit of element e goes to bit e/32 of hmask[e % 32]
            for (int e = 0; e < QK_K; e++) {
                if (levels[e] > 3) {
                    out[e % 32] |= (byte) (1 << (e / 32));
                    levels[e] -= 4;
                }
            }
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; l++) {
                    out[QS + j / 4 + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 2)
                            | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6));
                }
            }
            Le.store(out, dst, off + (long) blk * BYTES);
        }
    }

    /**
     * The engine's Q3_K dot, the one contract every path follows (scalar C {@code llmk_ref_kquants.c}, the AVX2 and
     * AVX-512 tiles of {@code llmk_quant_tiles.inc}, the packed AVX-512 kernel {@code llmk_avx512_q23k_x16.c}): per
     * super-block one exact integer over the 16 sub-blocks of 16 elements, {@code S = Σ_j (scale_j - 32) · Σ_l
     * (q[16j + l] - 4) · q8[16j + l]} (q the unsigned 3-bit level, 2 low bits | hmask bit &lt;&lt; 2), then exactly
     * one float step
     * <pre>
     *   acc = fma((float) S, d * dy, acc);
     * </pre>
     * from {@code acc = 0}, super-blocks in order. NOTE: not ggml's order (8 float lanes summed at the end): the
     * integer is exact, so a SIMD kernel may form it as {@code Σ_j (scale_j - 32) · (Σ_l q·q8 - 4 · bsums[j])} with
     * the unsigned q (what vpdpbusd takes) and still give these bits. |S| ≤ 16 · 32 · 16 · 4 · 128 = 2^22: no
     * int32 overflow, and {@code (float) S} is exact.
     */
    static float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        byte[] x = new byte[BYTES];
        byte[] y = new byte[Q8Formats.Q8_K_BYTES];
        int[] q = new int[QK_K];
        float acc = 0f;
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(w, wOff + (long) blk * BYTES, x);
            Le.load(a, aOff + (long) blk * Q8Formats.Q8_K_BYTES, y);
            levels(x, q);
            int sumS = 0;
            for (int g = 0; g < 16; g++) {
                int dot = 0;
                for (int e = 16 * g; e < 16 * g + 16; e++) {
                    dot += y[4 + e] * q[e];
                }
                sumS += scale(x, g) * dot;
            }
            acc = Math.fma((float) sumS, Le.half(x, D) * Le.f32(y, 0), acc);
        }
        return acc;
    }
}
