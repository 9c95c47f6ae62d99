package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K and Q5_K: 256 elements in 8 sub-blocks of 32, each with a 6-bit scale and a 6-bit min.
 * <pre>
 * Q4_K 144 B   [0] d:f16   [2] dmin:f16   [4] scales:12 B   [16] qs:128 B
 * Q5_K 176 B   [0] d:f16   [2] dmin:f16   [4] scales:12 B   [16] qh:32 B   [48] qs:128 B
 *
 * scales (get_scale_min_k4), sub-block j:
 *   j < 4:  scale = s[j] & 63,                          min = s[j+4] & 63
 *   j >= 4: scale = (s[j+4] & 15) | (s[j-4] >> 6) << 4, min = (s[j+4] >> 4) | (s[j] >> 6) << 4
 * qs: element 64c + l (l 0..31) is the low nibble of qs[32c + l], element 64c + 32 + l its high nibble
 * qh (Q5_K): fifth bit of element 32k + l is bit k of qh[l]
 * x = d * scale_j * q - dmin * min_j
 * </pre>
 * Activations are Q8_K; the min term uses Q8_K's bsums.
 */
final class Q45KFormats {

    static final int QK_K = 256;
    static final int Q4_K_BYTES = 144;
    static final int Q5_K_BYTES = 176;

    private Q45KFormats() {}

    /** Decodes the levels (0..15, or 0..31 with {@code five}) of the block in {@code b} into {@code q}. */
    private static void levels(boolean five, byte[] b, int[] q) {
        int qs = five ? 48 : 16;
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int v = b[qs + 32 * c + l] & 0xFF;
                int lo = v & 0xF;
                int hi = v >>> 4;
                if (five) {
                    int h = b[16 + l] & 0xFF; // fifth bit of element 32k + l is bit k of qh[l]
                    lo |= ((h >>> (2 * c)) & 1) << 4;
                    hi |= ((h >>> (2 * c + 1)) & 1) << 4;
                }
                q[64 * c + l] = lo;
                q[64 * c + 32 + l] = hi;
            }
        }
    }

    private static int[] scaleBytes(byte[] b, int[] into) {
        for (int i = 0; i < 12; i++) {
            into[i] = b[4 + i] & 0xFF;
        }
        return into;
    }

    static void dequantize(boolean five, MemorySegment src, long off, float[] dst, int dstOff, int n) {
        int bytes = five ? Q5_K_BYTES : Q4_K_BYTES;
        byte[] b = new byte[bytes];
        int[] s = new int[12];
        int[] q = new int[QK_K];
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(src, off + (long) blk * bytes, b);
            levels(five, b, q);
            float d = Le.half(b, 0);
            float min = Le.half(b, 2);
            scaleBytes(b, s);
            int y = dstOff + blk * QK_K;
            for (int j = 0; j < 8; j++) {
                int sm = KQuantSearch.scaleMinK4(j, s);
                float dj = d * (sm & 0xFF);
                float mj = min * (sm >>> 8);
                for (int l = 0; l < 32; l++) {
                    dst[y + 32 * j + l] = dj * q[32 * j + l] - mj;
                }
            }
        }
    }

    /** quantize_row_q4_K_ref / quantize_row_q5_K_ref (no importance matrix). */
    static void quantize(boolean five, float[] x, int xOff, MemorySegment dst, long off, int n) {
        int bytes = five ? Q5_K_BYTES : Q4_K_BYTES;
        int nmax = five ? 31 : 15;
        float rmin = five ? -0.5f : -1.f;
        int nstep = five ? 15 : 20;
        int[] levels = new int[QK_K];
        int[] aux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        int[] s = new int[12];
        byte[] out = new byte[bytes];
        for (int blk = 0; blk < n / QK_K; blk++) {
            int base = xOff + blk * QK_K;
            java.util.Arrays.fill(out, (byte) 0);
            java.util.Arrays.fill(s, 0);
            float maxScale = 0f;
            float maxMin = 0f;
            for (int j = 0; j < QK_K / 32; j++) {
                float sumX2 = 0f;
                for (int l = 0; l < 32; l++) {
                    sumX2 += x[base + 32 * j + l] * x[base + 32 * j + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) {
                    weights[l] = avX + Math.abs(x[base + 32 * j + l]);
                }
                scales[j] = KQuantSearch.makeQkx2Quants(32, nmax, x, base + 32 * j, weights, levels, 32 * j, mins, j,
                        aux, rmin, 0.1f, nstep, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            for (int j = 0; j < QK_K / 32; j++) {
                int ls = Math.min(63, Le.nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, Le.nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    s[j] = ls;
                    s[j + 4] = lm;
                } else {
                    s[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
                    s[j - 4] |= (ls >>> 4) << 6;
                    s[j] |= (lm >>> 4) << 6;
                }
            }
            Le.putHalf(out, 0, maxScale / 63.f);
            Le.putHalf(out, 2, maxMin / 63.f);
            float dh = Le.half(out, 0);
            float dminh = Le.half(out, 2);
            for (int j = 0; j < QK_K / 32; j++) {
                int sm = KQuantSearch.scaleMinK4(j, s);
                float d = dh * (sm & 0xFF);
                if (d == 0f) {
                    continue;
                }
                float dm = dminh * (sm >>> 8);
                for (int ii = 0; ii < 32; ii++) {
                    int l = Le.nearestInt((x[base + 32 * j + ii] + dm) / d);
                    levels[32 * j + ii] = Math.max(0, Math.min(nmax, l));
                }
            }
            for (int i = 0; i < 12; i++) {
                out[4 + i] = (byte) s[i];
            }
            int qs = five ? 48 : 16;
            for (int c = 0; c < QK_K / 64; c++) {
                for (int l = 0; l < 32; l++) {
                    int l1 = levels[64 * c + l];
                    int l2 = levels[64 * c + 32 + l];
                    if (five) {
                        if (l1 > 15) {
                            l1 -= 16;
                            out[16 + l] |= (byte) (1 << (2 * c));
                        }
                        if (l2 > 15) {
                            l2 -= 16;
                            out[16 + l] |= (byte) (2 << (2 * c));
                        }
                    }
                    out[qs + 32 * c + l] = (byte) (l1 | (l2 << 4));
                }
            }
            Le.store(out, dst, off + (long) blk * bytes);
        }
    }

    /**
     * The engine's Q4_K / Q5_K dot, the one contract every path follows (scalar C {@code llmk_ref_kquants.c}, the
     * AVX2 and AVX-512 tiles of {@code llmk_quant_tiles.inc}, the packed AVX-512 kernel): per super-block two exact
     * integers, {@code S = Σ_j scale_j · Σ_l q[32j + l] · q8[32j + l]} and {@code M = Σ_j min_j · (bsums[2j] +
     * bsums[2j + 1])}, then exactly two float steps,
     * <pre>
     *   acc = fma((float) S, d * dy, acc);   acc = fma(-(float) M, dmin * dy, acc);
     * </pre>
     * from {@code acc = 0}, super-blocks in order ({@code d * dy} and {@code dmin * dy} rounded to float).
     * NOTE: not ggml's order (8 float lanes per super-block, summed at the end): the integer sums are exact, so any
     * layout and vector width can reach S and M however it likes and then meet these two roundings, which makes
     * results bit-identical across ISAs, token counts and packed or file layouts at two float steps per super-block.
     * |S| &lt; 2^26 and |M| &lt; 2^21, so int32 never overflows; {@code (float) S} rounds to nearest even.
     */
    static float dot(boolean five, MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        int bytes = five ? Q5_K_BYTES : Q4_K_BYTES;
        byte[] x = new byte[bytes];
        byte[] y = new byte[Q8Formats.Q8_K_BYTES];
        int[] s = new int[12];
        int[] q = new int[QK_K];
        float acc = 0f;
        for (int blk = 0; blk < n / QK_K; blk++) {
            Le.load(w, wOff + (long) blk * bytes, x);
            Le.load(a, aOff + (long) blk * Q8Formats.Q8_K_BYTES, y);
            scaleBytes(x, s);
            levels(five, x, q);
            int sumS = 0;
            int sumM = 0;
            for (int j = 0; j < QK_K / 32; j++) {
                int sm = KQuantSearch.scaleMinK4(j, s);
                int dot = 0;
                for (int e = 32 * j; e < 32 * j + 32; e++) {
                    dot += y[4 + e] * q[e];
                }
                sumS += (sm & 0xFF) * dot;
                sumM += (sm >>> 8) * (Le.i16(y, 260 + 4 * j) + Le.i16(y, 262 + 4 * j));
            }
            float yd = Le.f32(y, 0);
            acc = Math.fma((float) sumS, Le.half(x, 0) * yd, acc);
            acc = Math.fma(-(float) sumM, Le.half(x, 2) * yd, acc);
        }
        return acc;
    }
}
