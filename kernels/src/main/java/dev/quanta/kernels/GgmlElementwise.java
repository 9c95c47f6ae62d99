package dev.quanta.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The element-wise steps of the forward pass in ggml's CPU arithmetic: the one reference for {@link KernelOps}'s
 * {@code rmsNorm}, {@code rope}, {@code swiglu} and {@code add} (used by {@link JavaKernelOps}; the C library's
 * {@code llmk_rms_norm}, {@code llmk_rope}, {@code llmk_swiglu} and {@code llmk_add} give the same bits on every ISA).
 * Written to round exactly as ggml does, so that greedy decoding reproduces llama.cpp token for token. Offsets and
 * lengths are in f32 elements. Each step works on a row copied into Java arrays (bulk copies): element-wise segment
 * access cost more than the math.
 *
 * <p>Not thread-safe: the row scratch belongs to the instance.
 */
final class GgmlElementwise {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int siluWidth; // elements per vector step of llama.cpp's SiLU on the arithmetic's ISA
    private float[] rowA = new float[0]; // scratch: one row being computed
    private float[] rowB = new float[0]; // scratch: a second operand row

    /** @param arithmetic the ISA whose llama.cpp SiLU (vector width and exp routine) to reproduce */
    GgmlElementwise(Isa arithmetic) {
        this.siluWidth = switch (arithmetic) {
            case AVX512 -> 16;
            case AVX2 -> 8;
            case SCALAR -> Integer.MAX_VALUE; // ggml's generic loop: expf for every element
        };
    }

    private void ensure(int n) {
        if (rowA.length < n) {
            rowA = new float[n];
            rowB = new float[n];
        }
    }

    /**
     * out[t][i] = (x[t][i] * scale) * w[i] with scale = 1 / sqrtf(mean + eps), mean the sum of squares (float
     * products added in double, in order) over dim, cast to float: ggml_compute_forward_rms_norm_f32, then ggml_mul.
     *
     * @param x   f32 [numTokens][dim]
     * @param w   f32 [dim] weight, or null for none
     * @param out f32 [numTokens][dim] (may be x)
     */
    void rmsNorm(MemorySegment out, MemorySegment x, MemorySegment w, int dim, int numTokens, float eps) {
        ensure(dim);
        float[] a = rowA;
        if (w != null) {
            MemorySegment.copy(w, F32, 0, rowB, 0, dim);
        }
        for (int t = 0; t < numTokens; t++) {
            long off = (long) t * dim * 4;
            MemorySegment.copy(x, F32, off, a, 0, dim);
            double sum = 0.0;
            for (int i = 0; i < dim; i++) {
                float v = a[i];
                sum += v * v;
            }
            float mean = (float) (sum / dim);
            float scale = 1.0f / (float) Math.sqrt(mean + eps); // sqrt in double, then float: sqrtf's result
            for (int i = 0; i < dim; i++) {
                float y = a[i] * scale;
                a[i] = w != null ? y * rowB[i] : y;
            }
            MemorySegment.copy(a, 0, out, F32, off, dim);
        }
    }

    /**
     * gate[r][i] = silu(gate[r][i]) * up[r][i], silu(v) = v / (1 + e^-v), as ggml_vec_swiglu_f32 on the arithmetic's
     * ISA, per row of n: whole vector steps (16 on AVX-512, 8 on AVX2) use that ISA's ggml_v_expf (a polynomial,
     * not the correctly rounded exp), the rest of the row (everything, for ggml's generic code) the C library's expf.
     */
    void swiglu(MemorySegment gate, MemorySegment up, int rows, int n) {
        ensure(n);
        float[] g = rowA;
        float[] u = rowB;
        for (int r = 0; r < rows; r++) {
            long base = (long) r * n * 4;
            MemorySegment.copy(gate, F32, base, g, 0, n);
            MemorySegment.copy(up, F32, base, u, 0, n);
            int simdEnd = n - n % siluWidth; // ggml: for (; i + 15 < n; i += 16) on AVX-512, + 7 / 8 on AVX2
            int i = 0;
            for (; i < simdEnd; i++) {
                float e = vexpf(-g[i], siluWidth == 16);
                g[i] = (g[i] / (1.0f + e)) * u[i];
            }
            for (; i < n; i++) {
                g[i] = (g[i] / (1.0f + CMath.expf(-g[i]))) * u[i];
            }
            MemorySegment.copy(g, 0, gate, F32, base, n);
        }
    }

    /**
     * One lane of ggml_v_expf: ARM's optimized-routines expf (max error about 1.5 ulp). Both ISAs reduce x to
     * 2^n * e^b the same way; AVX2 then adds the polynomial's 1 in a final fma with 2^n built from z's bits, AVX-512
     * keeps 1 in the polynomial and scales with scalef, so the last bit can differ. Lanes whose n is past the range
     * ggml handles apart (126 on AVX2, 192 on AVX-512) take exp in double: 0, infinity or a float at the edge of
     * the range, as ggml's special case gives.
     */
    static float vexpf(float x, boolean avx512) {
        float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        if (Math.abs(n) > (avx512 ? 192f : 126f)) {
            return (float) Math.exp(x);
        }
        float u = b * b;
        float p = Math.fma(Math.fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u,
                Math.fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f));
        if (avx512) {
            return Math.scalb(Math.fma(p, u, Math.fma(0x1.ffffecp-1f, b, 1.0f)), (int) n);
        }
        float k = Float.intBitsToFloat((Float.floatToRawIntBits(z) << 23) + Float.floatToRawIntBits(1f));
        return Math.fma(Math.fma(p, u, 0x1.ffffecp-1f * b), k, k);
    }

    /**
     * Rotates the first ropeDim elements of every head in place, pairs (2i, 2i+1), or (i, i + ropeDim/2) when neox:
     * a' = fma(a, cos, -(b sin)), b' = fma(a, sin, b cos) (ggml writes a cos - b sin and a sin + b cos; its compiler
     * contracts the first product of each into an fma).
     *
     * @param x      f32 [numTokens][numHeads][headDim]
     * @param cosSin f32 [numTokens][ropeDim]: the (cos, sin) of each pair's angle at the token's position
     */
    void rope(MemorySegment x, MemorySegment cosSin, int numTokens, int numHeads, int headDim, int ropeDim,
            boolean neox) {
        ensure(Math.max(ropeDim, headDim));
        float[] a = rowA;
        float[] cs = rowB;
        int half = ropeDim / 2;
        for (int t = 0; t < numTokens; t++) {
            MemorySegment.copy(cosSin, F32, (long) t * ropeDim * 4, cs, 0, ropeDim);
            for (int h = 0; h < numHeads; h++) {
                long off = ((long) t * numHeads + h) * headDim * 4;
                MemorySegment.copy(x, F32, off, a, 0, ropeDim);
                for (int i0 = 0; i0 < ropeDim; i0 += 2) {
                    float c = cs[i0];
                    float s = cs[i0 + 1];
                    int ia = neox ? i0 / 2 : i0;
                    int ib = neox ? i0 / 2 + half : i0 + 1;
                    float x0 = a[ia];
                    float x1 = a[ib];
                    a[ia] = Math.fma(x0, c, -(x1 * s));
                    a[ib] = Math.fma(x0, s, x1 * c);
                }
                MemorySegment.copy(a, 0, x, F32, off, ropeDim);
            }
        }
    }

    /** x[i] += y[i] over n elements (residual add). */
    void add(MemorySegment x, MemorySegment y, long n) {
        ensure(4096);
        float[] a = rowA;
        float[] b = rowB;
        for (long base = 0; base < n; base += a.length) {
            int len = (int) Math.min(a.length, n - base);
            MemorySegment.copy(x, F32, base * 4, a, 0, len);
            MemorySegment.copy(y, F32, base * 4, b, 0, len);
            for (int i = 0; i < len; i++) {
                a[i] += b[i];
            }
            MemorySegment.copy(a, 0, x, F32, base * 4, len);
        }
    }
}
