package dev.quanta.worker.model;

import dev.quanta.kernels.CMath;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What of the forward pass stays outside {@code KernelOps}, in ggml's order and precision: the RoPE angles of a
 * position (computed once per pass), bias adds (Qwen2), and the f16/bf16 rounding of KV rows and of float-weight
 * matmul inputs. Offsets and lengths are in elements (f32 unless the name says f16). The element-wise steps of every
 * layer (RMSNorm, RoPE, SwiGLU, residual adds) are {@code KernelOps}'s, whose one reference is the kernels'
 * {@code GgmlElementwise}.
 *
 * <p>NOTE: rows are copied into Java arrays (bulk copies): element-wise segment access cost more than the math.
 */
final class GgmlMath {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final float[] rowA;  // [maxRow] scratch: one row being computed
    private final short[] half;  // [maxRow] scratch: f16 bits of a row

    /**
     * @param maxRow longest row any method is called with (elements); the instance's scratch rows. Not
     *               thread-safe: one instance per forward pass.
     */
    GgmlMath(int maxRow) {
        this.rowA = new float[maxRow];
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

    /** x[i] += b[i] for i in [0, n) (bias add, f32). */
    static void addVector(MemorySegment x, long xOff, MemorySegment b, int n) {
        for (int i = 0; i < n; i++) {
            f32(x, xOff + i, f32(x, xOff + i) + f32(b, i));
        }
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
