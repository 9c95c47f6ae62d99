package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q2_K: 256 elements in 16 groups of 16, each with a 4-bit scale and a 4-bit min, 84 bytes.
 * <pre>
 * [0]  scales:16 B   group g: low nibble = scale, high nibble = min
 * [16] qs:64 B       2-bit levels; element 128c + 32j + l (c 0..1, j 0..3, l 0..31) is bits 2j..2j+1 of qs[32c + l]
 * [80] d:f16         super-block scale of the scales
 * [82] dmin:f16      super-block scale of the mins
 * x = d * scale_g * q - dmin * min_g
 * </pre>
 * Activations are Q8_K; the min term is folded in through Q8_K's per-16 bsums.
 */
final class Q2KFormat {

    static final int QK_K = 256;
    static final int BYTES = 84;

    private Q2KFormat() {}

    static void dequantize(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        byte[] b = new byte[BYTES];
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(src, off + (long) blk * BYTES, b);
            float d = Le.half(b, 80);
            float min = Le.half(b, 82);
            int y = dstOff + blk * QK_K;
            int is = 0;
            for (int c = 0; c < 2; c++) {
                int q = 16 + 32 * c;
                for (int j = 0; j < 4; j++) {
                    int shift = 2 * j;
                    for (int half = 0; half < 2; half++) {
                        int sc = b[is++] & 0xFF;
                        float dl = d * (sc & 0xF);
                        float ml = min * (sc >>> 4);
                        for (int l = 0; l < 16; l++) {
                            dst[y++] = dl * (((b[q + 16 * half + l] & 0xFF) >>> shift) & 3) - ml;
                        }
                    }
                }
            }
        }
    }

    /** quantize_row_q2_K_ref (no importance matrix). */
    static void quantize(float[] x, int xOff, MemorySegment dst, long off, int n) {
        int[] levels = new int[QK_K];
        int[] aux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[QK_K / 16];
        float[] scales = new float[QK_K / 16];
        int[] sc = new int[QK_K / 16];
        byte[] out = new byte[BYTES];
        final float q4scale = 15.f;
        for (int blk = 0; blk < n / QK_K; blk++) {
            int base = xOff + blk * QK_K;
            float maxScale = 0f;
            float maxMin = 0f;
            for (int j = 0; j < QK_K / 16; j++) {
                for (int l = 0; l < 16; l++) {
                    weights[l] = Math.abs(x[base + 16 * j + l]);
                }
                scales[j] = KQuantSearch.makeQkx2Quants(16, 3, x, base + 16 * j, weights, levels, 16 * j, mins, j,
                        aux, -0.5f, 0.1f, 15, true);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float d;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < QK_K / 16; j++) {
                    sc[j] = Le.nearestInt(iscale * scales[j]) & 0xFF;
                }
                d = maxScale / q4scale;
            } else {
                java.util.Arrays.fill(sc, 0);
                d = 0f;
            }
            float dmin;
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < QK_K / 16; j++) {
                    sc[j] = (sc[j] | (Le.nearestInt(iscale * mins[j]) << 4)) & 0xFF;
                }
                dmin = maxMin / q4scale;
            } else {
                dmin = 0f;
            }
            Le.putHalf(out, 80, d);
            Le.putHalf(out, 82, dmin);
            float dh = Le.half(out, 80);
            float dminh = Le.half(out, 82);
            for (int j = 0; j < QK_K / 16; j++) {
                float dd = dh * (sc[j] & 0xF);
                if (dd == 0f) {
                    continue;
                }
                float dm = dminh * (sc[j] >>> 4);
                for (int ii = 0; ii < 16; ii++) {
                    int l = Le.nearestInt((x[base + 16 * j + ii] + dm) / dd);
                    levels[16 * j + ii] = Math.max(0, Math.min(3, l));
                }
            }
            for (int j = 0; j < QK_K / 16; j++) {
                out[j] = (byte) sc[j];
            }
            for (int j = 0; j < QK_K; j += 128) {
                for (int l = 0; l < 32; l++) {
                    out[16 + j / 4 + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 2)
                            | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6));
                }
            }
            Le.store(out, dst, off + (long) blk * BYTES);
        }
    }

    /**
     * The engine's Q2_K dot, the one contract every path follows (scalar C {@code llmk_ref_kquants.c}, the AVX2 and
     * AVX-512 tiles of {@code llmk_quant_tiles.inc}, the packed AVX-512 kernel {@code llmk_avx512_q23k_x16.c}): per
     * super-block two exact integers over the 16 sub-blocks of 16 elements, {@code S = Σ_j scale_j · Σ_l q[16j + l] ·
     * q8[16j + l]} and {@code M = Σ_j min_j · bsums[j]}, then exactly two float steps,
     * <pre>
     *   acc = fma((float) S, d * dy, acc);   acc = fma(-(float) M, dmin * dy, acc);
     * </pre>
     * from {@code acc = 0}, super-blocks in order, as {@link Q45KFormats#dot}. NOTE: not ggml's order
     * ({@code sumf += dall * isum - dmin * summs}): exact integers let every layout and vector width give the same
     * bits. |S| ≤ 16 · 15 · 16 · 3 · 128 &lt; 2^21 and |M| ≤ 16 · 15 · 2048 &lt; 2^19: no int32 overflow, and both
     * convert to float exactly.
     */
    static float dot(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        byte[] x = new byte[BYTES];
        byte[] y = new byte[Q8Formats.Q8_K_BYTES];
        float acc = 0f;
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(w, wOff + (long) blk * BYTES, x);
            Le.load(a, aOff + (long) blk * Q8Formats.Q8_K_BYTES, y);
            int sumS = 0;
            int sumM = 0;
            for (int j = 0; j < 16; j++) {
                // sub-block j = 8c + 2s + h: elements 16j + l are bits 2s..2s+1 of qs[32c + 16h + l]
                int q2 = 16 + 32 * (j / 8) + 16 * (j & 1);
                int shift = 2 * ((j % 8) / 2);
                int dot = 0;
                for (int l = 0; l < 16; l++) {
                    dot += y[4 + 16 * j + l] * (((x[q2 + l] & 0xFF) >>> shift) & 3);
                }
                sumS += (x[j] & 0xF) * dot;
                sumM += ((x[j] & 0xFF) >>> 4) * Le.i16(y, 260 + 2 * j);
            }
            float yd = Le.f32(y, 0);
            acc = Math.fma((float) sumS, Le.half(x, 80) * yd, acc);
            acc = Math.fma(-(float) sumM, Le.half(x, 82) * yd, acc);
        }
        return acc;
    }
}
