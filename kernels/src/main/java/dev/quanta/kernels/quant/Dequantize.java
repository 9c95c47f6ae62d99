package dev.quanta.kernels.quant;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Reference dequantization of tensor rows read in place from a {@link MemorySegment} (typically a mapped
 * GGUF file). Results are bit-exact with ggml's scalar {@code dequantize_row_<type>} compiled without
 * floating-point contraction: every output is computed with the same float operations in the same order.
 */
public final class Dequantize {

    private Dequantize() {}

    /**
     * Dequantizes {@code numElements} elements (a multiple of {@code type.blockSize()}) stored at byte offset
     * {@code srcOffset} of {@code src} into {@code dst[dstOffset .. dstOffset + numElements)}.
     *
     * @param type F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K or IQ4_NL
     * @throws IllegalArgumentException for an unsupported type or a partial block
     * @throws IndexOutOfBoundsException when the blocks or the destination range fall outside their storage
     */
    public static void row(GgmlType type, MemorySegment src, long srcOffset, float[] dst, int dstOffset,
            int numElements) {
        Le.checkBlocks(numElements, type.blockSize(), type.name());
        java.util.Objects.checkFromIndexSize(dstOffset, numElements, dst.length);
        switch (type) {
            case F32 -> FloatFormats.dequantizeF32(src, srcOffset, dst, dstOffset, numElements);
            case F16 -> FloatFormats.dequantizeF16(src, srcOffset, dst, dstOffset, numElements);
            case BF16 -> FloatFormats.dequantizeBf16(src, srcOffset, dst, dstOffset, numElements);
            case Q4_0 -> Q4Formats.dequantizeQ4_0(src, srcOffset, dst, dstOffset, numElements);
            case Q4_1 -> Q4Formats.dequantizeQ4_1(src, srcOffset, dst, dstOffset, numElements);
            case Q5_0 -> Q5Formats.dequantizeQ5_0(src, srcOffset, dst, dstOffset, numElements);
            case Q5_1 -> Q5Formats.dequantizeQ5_1(src, srcOffset, dst, dstOffset, numElements);
            case Q8_0 -> Q8Formats.dequantizeQ8_0(src, srcOffset, dst, dstOffset, numElements);
            case Q8_1 -> Q8Formats.dequantizeQ8_1(src, srcOffset, dst, dstOffset, numElements);
            case Q8_K -> Q8Formats.dequantizeQ8_K(src, srcOffset, dst, dstOffset, numElements);
            case Q2_K -> Q2KFormat.dequantize(src, srcOffset, dst, dstOffset, numElements);
            case Q3_K -> Q3KFormat.dequantize(src, srcOffset, dst, dstOffset, numElements);
            case Q4_K -> Q45KFormats.dequantize(false, src, srcOffset, dst, dstOffset, numElements);
            case Q5_K -> Q45KFormats.dequantize(true, src, srcOffset, dst, dstOffset, numElements);
            case Q6_K -> Q6KFormat.dequantize(src, srcOffset, dst, dstOffset, numElements);
            case IQ4_NL -> Iq4NlFormat.dequantize(src, srcOffset, dst, dstOffset, numElements);
            default -> throw new IllegalArgumentException("cannot dequantize " + type);
        }
    }

    /** Convenience: dequantizes {@code numElements} elements into a new array. */
    public static float[] row(GgmlType type, MemorySegment src, long srcOffset, int numElements) {
        float[] out = new float[numElements];
        row(type, src, srcOffset, out, 0, numElements);
        return out;
    }
}
