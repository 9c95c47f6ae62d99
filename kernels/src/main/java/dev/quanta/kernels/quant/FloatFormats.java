package dev.quanta.kernels.quant;

import java.lang.foreign.MemorySegment;

/**
 * The unquantized element types, one element per "block":
 * <pre>
 * F32   [f32]                       4 B per element
 * F16   [f16 IEEE half]             2 B per element
 * BF16  [bf16 = top half of f32]    2 B per element
 * </pre>
 * Dot products follow ggml's scalar {@code ggml_vec_dot_f32/f16/bf16}: each product is formed in float
 * (after widening the 16-bit inputs), and the sum accumulates in double ({@code ggml_float}), rounded to float
 * once at the end.
 */
final class FloatFormats {

    private FloatFormats() {}

    // ---- F32 ----

    static void dequantizeF32(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = src.get(Le.FLOAT, off + 4L * i);
        }
    }

    static void quantizeF32(float[] src, int srcOff, MemorySegment dst, long off, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(Le.FLOAT, off + 4L * i, src[srcOff + i]);
        }
    }

    static float dotF32(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += w.get(Le.FLOAT, wOff + 4L * i) * a.get(Le.FLOAT, aOff + 4L * i);
        }
        return (float) sum;
    }

    // ---- F16 ----

    static void dequantizeF16(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Le.half(src, off + 2L * i);
        }
    }

    static void quantizeF16(float[] src, int srcOff, MemorySegment dst, long off, int n) {
        for (int i = 0; i < n; i++) {
            Le.putHalf(dst, off + 2L * i, src[srcOff + i]);
        }
    }

    static float dotF16(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += Le.half(w, wOff + 2L * i) * Le.half(a, aOff + 2L * i);
        }
        return (float) sum;
    }

    // ---- BF16 ----

    static void dequantizeBf16(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = FloatBits.bf16ToFloat(src.get(Le.SHORT, off + 2L * i));
        }
    }

    static void quantizeBf16(float[] src, int srcOff, MemorySegment dst, long off, int n) {
        for (int i = 0; i < n; i++) {
            dst.set(Le.SHORT, off + 2L * i, FloatBits.floatToBf16(src[srcOff + i]));
        }
    }

    static float dotBf16(MemorySegment w, long wOff, MemorySegment a, long aOff, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += FloatBits.bf16ToFloat(w.get(Le.SHORT, wOff + 2L * i))
                    * FloatBits.bf16ToFloat(a.get(Le.SHORT, aOff + 2L * i));
        }
        return (float) sum;
    }
}
