package dev.quanta.worker.model;

import dev.quanta.kernels.CMath;
import dev.quanta.kernels.Isa;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The small element-wise steps of the forward pass, computed in the order and precision ggml's CPU backend uses,
 * so that greedy decoding reproduces llama.cpp token for token. Offsets and lengths are in elements (f32 unless
 * the name says f16); segments are the pass's activation buffers.
 *
 * <p>NOTE: the heavy work (matmuls, attention) goes through {@code KernelOps}; these steps are O(tokens * dim). Each
 * works on a row copied into Java arrays (bulk copies), as element-wise segment access cost more than the math.
 */
final class GgmlMath {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final int siluWidth; // elements per vector step of llama.cpp's SiLU on the kernels' ISA
    private final float[] rowA;  // [maxRow] scratch: one row being computed
    private final float[] rowB;  // [maxRow] scratch: a second operand row
    private final short[] half;  // [maxRow] scratch: f16 bits of a row

    /**
     * @param maxRow     longest row any method is called with (elements); the instance's scratch rows. Not
     *                   thread-safe: one instance per forward pass.
     * @param arithmetic the kernels' ISA, whose llama.cpp SiLU (vector width and exp routine) to reproduce
     */
    GgmlMath(int maxRow, Isa arithmetic) {
        this.siluWidth = switch (arithmetic) {
            case AVX512 -> 16;
            case AVX2 -> 8;
            case SCALAR -> Integer.MAX_VALUE; // ggml's generic loop: expf for every element
        };
        this.rowA = new float[maxRow];
        this.rowB = new float[maxRow];
        this.half = new short[maxRow];
    }

    static float f32(MemorySegment s, long index) {
        return s.getAtIndex(F32, index);
    }

    static void f32(MemorySegment s, long index, float value) {
        s.setAtIndex(F32, index, value);
    }

    static float f16(MemorySegment s, long index) {
        return Float.float16ToFloat(s.getAtIndex(F16, index));
    }

    static void f16(MemorySegment s, long index, float value) {
        s.setAtIndex(F16, index, Float.floatToFloat16(value));
    }

    /** v rounded to the nearest f16 (ties to even), as a float: what an f16 tensor stores. */
    static float roundF16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /**
     * out[i] = (x[i] * scale) * w[i] with scale = 1 / sqrt(mean(x^2) + eps), the sum of squares in double
     * (ggml_compute_forward_rms_norm_f32 followed by ggml_mul).
     *
     * @param x   f32 [n] at xOff
     * @param w   f32 [n] weight, or null for no weight
     * @param out f32 [n] at outOff (may alias x)
     */
    void rmsNorm(MemorySegment x, long xOff, MemorySegment w, MemorySegment out, long outOff, int n, float eps) {
        float[] a = rowA;
        MemorySegment.copy(x, F32, xOff * 4, a, 0, n);
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float v = a[i];
            sum += v * v;
        }
        float mean = (float) (sum / n);
        float scale = 1.0f / (float) Math.sqrt(mean + eps);
        if (w != null) {
            MemorySegment.copy(w, F32, 0, rowB, 0, n);
        }
        for (int i = 0; i < n; i++) {
            float y = a[i] * scale;
            if (w != null) {
                y *= rowB[i];
            }
            a[i] = y;
        }
        MemorySegment.copy(a, 0, out, F32, outOff * 4, n);
    }

    /** x[i] += b[i] for i in [0, n) (bias add, f32). */
    static void addVector(MemorySegment x, long xOff, MemorySegment b, int n) {
        for (int i = 0; i < n; i++) {
            f32(x, xOff + i, f32(x, xOff + i) + f32(b, i));
        }
    }

    /** x[i] += y[i] over n elements (residual add). */
    void add(MemorySegment x, MemorySegment y, long n) {
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

    /**
     * gate[i] = silu(gate[i]) * up[i], silu(v) = v / (1 + e^-v), as ggml_vec_swiglu_f32 on the kernels' ISA: whole
     * vector steps (16 on AVX-512, 8 on AVX2) use that ISA's ggml_v_expf (a polynomial, not the correctly rounded
     * exp), the tail (everything, for ggml's generic code) the C library's expf.
     */
    void swiglu(MemorySegment gate, MemorySegment up, int rows, int n) {
        float[] g = rowA;
        float[] u = rowB;
        for (int r = 0; r < rows; r++) {
            long base = (long) r * n * 4;
            MemorySegment.copy(gate, F32, base, g, 0, n);
            MemorySegment.copy(up, F32, base, u, 0, n);
            int simdEnd = n - n % siluWidth; // ggml: for (; i + 15 < n; i += 16) on AVX-512, + 7 / 8 on AVX2
            int i = 0;
            for (; i < simdEnd; i++) {
                float e = siluWidth == 16 ? vexpf512(-g[i]) : vexpf(-g[i]);
                g[i] = (g[i] / (1.0f + e)) * u[i];
            }
            for (; i < n; i++) {
                g[i] = (g[i] / (1.0f + CMath.expf(-g[i]))) * u[i];
            }
            MemorySegment.copy(g, 0, gate, F32, base, n);
        }
    }

    /** One lane of ggml_v_expf on AVX-512 (see {@link #vexpf(float, boolean)}). */
    static float vexpf512(float x) {
        return vexpf(x, true);
    }

    /** One lane of ggml_v_expf on AVX2 (see {@link #vexpf(float, boolean)}). */
    static float vexpf(float x) {
        return vexpf(x, false);
    }

    /**
     * One lane of ggml_v_expf: ARM's optimized-routines expf (max error about 1.5 ulp). Both ISAs reduce x to
     * 2^n * e^b the same way; AVX2 then adds the polynomial's 1 in a final fma with 2^n built from z's bits, AVX-512
     * keeps 1 in the polynomial and scales with scalef, so the last bit can differ.
     */
    static float vexpf(float x, boolean avx512) {
        float r = 0x1.8p23f;
        float z = Math.fma(x, 0x1.715476p+0f, r);
        float n = z - r;
        float b = Math.fma(-n, 0x1.7f7d1cp-20f, Math.fma(-n, 0x1.62e4p-1f, x));
        if (Math.abs(n) > (avx512 ? 192f : 126f)) {
            return (float) Math.exp(x); // overflow / underflow branch: rare for activations
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
     * RoPE angles for one position as ggml_rope_cache_init computes them: theta starts at the position and is
     * multiplied by {@code base^(-2/ropeDim)} in float for each successive pair (not recomputed from a power).
     *
     * @param freqFactors  f32 [ropeDim / 2] divisors (Llama 3.1 scaling), or null
     * @param cosSin       out, f32 [ropeDim] at cosOff: (cos, sin) per pair
     */
    static void ropeCache(int position, int ropeDim, float thetaScale, float freqScale, float[] freqFactors,
                          float[] cosSin, int cosOff) {
        float theta = position;
        for (int i0 = 0; i0 < ropeDim; i0 += 2) {
            float ff = freqFactors == null ? 1.0f : freqFactors[i0 / 2];
            float t = freqScale * (theta / ff);
            cosSin[cosOff + i0] = CMath.cosf(t);
            cosSin[cosOff + i0 + 1] = CMath.sinf(t);
            theta *= thetaScale;
        }
    }

    /** The per-pair multiplier of ggml's RoPE: powf(base, -2 / ropeDim). */
    static float ropeThetaScale(float base, int ropeDim) {
        return CMath.powf(base, -2.0f / ropeDim);
    }

    /**
     * Rotates the first ropeDim elements of one head in place.
     *
     * @param x       f32 head at off, [headDim]
     * @param neox    pairs (i, i + ropeDim/2) instead of (2i, 2i+1)
     * @param cosSin  f32 [ropeDim] at cosOff: the position's (cos, sin) pairs from {@link #ropeCache}
     */
    void rope(MemorySegment x, long off, int ropeDim, boolean neox, float[] cosSin, int cosOff) {
        float[] a = rowA;
        MemorySegment.copy(x, F32, off * 4, a, 0, ropeDim);
        int half = ropeDim / 2;
        for (int i0 = 0; i0 < ropeDim; i0 += 2) {
            float c = cosSin[cosOff + i0];
            float s = cosSin[cosOff + i0 + 1];
            int ia = neox ? i0 / 2 : i0;
            int ib = neox ? i0 / 2 + half : i0 + 1;
            float x0 = a[ia];
            float x1 = a[ib];
            // ggml writes x0*cos - x1*sin and x0*sin + x1*cos; its compiler contracts the first product of each
            // into an fma (GCC, -ffp-contract=fast), and so do we
            a[ia] = Math.fma(x0, c, -(x1 * s));
            a[ib] = Math.fma(x0, s, x1 * c);
        }
        MemorySegment.copy(a, 0, x, F32, off * 4, ropeDim);
    }

    /** out[i] = in[i] rounded to f16 (or bf16), kept as f32: what ggml feeds an F16 (BF16) weight's dot. */
    void roundTo(boolean bf16, MemorySegment in, MemorySegment out, long n) {
        float[] a = rowA;
        for (long base = 0; base < n; base += a.length) {
            int len = (int) Math.min(a.length, n - base);
            MemorySegment.copy(in, F32, base * 4, a, 0, len);
            for (int i = 0; i < len; i++) {
                a[i] = bf16 ? dev.quanta.kernels.quant.FloatBits.bf16ToFloat(
                        dev.quanta.kernels.quant.FloatBits.floatToBf16(a[i])) : roundF16(a[i]);
            }
            MemorySegment.copy(a, 0, out, F32, base * 4, len);
        }
    }

    /** dst[i] = f16(src[i]) for n values: a KV row into an f16 cache (round to nearest even). */
    void storeHalf(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n) {
        float[] a = rowA;
        short[] h = half;
        MemorySegment.copy(src, F32, srcOff * 4, a, 0, n);
        for (int i = 0; i < n; i++) {
            h[i] = Float.floatToFloat16(a[i]);
        }
        MemorySegment.copy(h, 0, dst, F16, dstOff * 2, n);
    }
}
