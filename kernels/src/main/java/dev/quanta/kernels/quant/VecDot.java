package dev.quanta.kernels.quant;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * Reference dot products of one weight row with one activation row already quantized to the weight's
 * activation type, reproducing ggml's generic (scalar) {@code ggml_vec_dot_<w>_<a>}: integer sums in int32
 * per block, then float scaling and accumulation in the same order as the C code. Results equal the C
 * scalar reference bit for bit when that is compiled without floating-point contraction; a build that fuses
 * multiply-adds (or a SIMD kernel summing in another order) differs within float rounding of the sum.
 * Q2_K, Q3_K, Q4_K and Q5_K are the exception: they follow the engine's own order ({@link Q2KFormat#dot},
 * {@link Q3KFormat#dot}, {@link Q45KFormats#dot}: exact integer sums per super-block, then one or two fused float
 * steps), which every native path meets bit for bit.
 */
public final class VecDot {

    private VecDot() {}

    /**
     * The activation format ggml pairs with this weight type ({@code vec_dot_type}): F32→F32, F16→F16,
     * BF16→BF16, Q4_0/Q5_0/Q8_0/IQ4_NL→Q8_0, Q4_1/Q5_1→Q8_1, Q2_K…Q6_K→Q8_K.
     *
     * @throws IllegalArgumentException for a type the engine does not compute with
     */
    public static GgmlType activationType(GgmlType weightType) {
        return switch (weightType) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> GgmlType.Q8_0;
            case Q4_1, Q5_1 -> GgmlType.Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> GgmlType.Q8_K;
            default -> throw new IllegalArgumentException("no dot product for weight type " + weightType);
        };
    }

    /**
     * Dot product of the weight row at byte offset {@code wOffset} of {@code w} and the activation row (in
     * {@link #activationType}{@code (weightType)}) at byte offset {@code actOffset} of {@code act}, both
     * {@code numElements} long (a multiple of the weight block size, which equals the activation block size).
     */
    public static float dot(GgmlType weightType, MemorySegment w, long wOffset, MemorySegment act, long actOffset,
            int numElements) {
        Le.checkBlocks(numElements, weightType.blockSize(), weightType.name());
        return switch (weightType) {
            case F32 -> FloatFormats.dotF32(w, wOffset, act, actOffset, numElements);
            case F16 -> FloatFormats.dotF16(w, wOffset, act, actOffset, numElements);
            case BF16 -> FloatFormats.dotBf16(w, wOffset, act, actOffset, numElements);
            case Q4_0 -> Q4Formats.dotQ4_0(w, wOffset, act, actOffset, numElements);
            case Q4_1 -> Q4Formats.dotQ4_1(w, wOffset, act, actOffset, numElements);
            case Q5_0 -> Q5Formats.dotQ5_0(w, wOffset, act, actOffset, numElements);
            case Q5_1 -> Q5Formats.dotQ5_1(w, wOffset, act, actOffset, numElements);
            case Q8_0 -> Q8Formats.dotQ8_0(w, wOffset, act, actOffset, numElements);
            case Q2_K -> Q2KFormat.dot(w, wOffset, act, actOffset, numElements);
            case Q3_K -> Q3KFormat.dot(w, wOffset, act, actOffset, numElements);
            case Q4_K -> Q45KFormats.dot(false, w, wOffset, act, actOffset, numElements);
            case Q5_K -> Q45KFormats.dot(true, w, wOffset, act, actOffset, numElements);
            case Q6_K -> Q6KFormat.dot(w, wOffset, act, actOffset, numElements);
            case IQ4_NL -> Iq4NlFormat.dot(w, wOffset, act, actOffset, numElements);
            default -> throw new IllegalArgumentException("no dot product for weight type " + weightType);
        };
    }
}
