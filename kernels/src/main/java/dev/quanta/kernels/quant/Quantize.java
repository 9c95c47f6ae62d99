package dev.quanta.kernels.quant;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reference quantization, the Java twin of ggml's {@code quantize_row_<type>_ref} (no importance matrix):
 * deterministic, and byte-identical to llama.cpp's output for the same input when that C code is compiled
 * without floating-point contraction (the test suite re-quantizes the shared F32 model and compares bytes).
 */
public final class Quantize {

    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Quantize() {}

    /** Whether {@link #row} accepts {@code type}: the 14 weight types plus the activation types Q8_1 and Q8_K. */
    public static boolean supports(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, Q8_K, IQ4_NL -> true;
            default -> false;
        };
    }

    /**
     * Quantizes {@code src[srcOffset .. srcOffset + numElements)} (a multiple of {@code type.blockSize()}) into
     * {@code type.byteSize(numElements)} bytes written at byte offset {@code dstOffset} of {@code dst}.
     *
     * @throws IllegalArgumentException for an unsupported type or a partial block
     * @throws IndexOutOfBoundsException when the source range or the destination bytes fall outside their storage
     */
    public static void row(GgmlType type, float[] src, int srcOffset, MemorySegment dst, long dstOffset,
            int numElements) {
        Le.checkBlocks(numElements, type.blockSize(), type.name());
        java.util.Objects.checkFromIndexSize(srcOffset, numElements, src.length);
        switch (type) {
            case F32 -> FloatFormats.quantizeF32(src, srcOffset, dst, dstOffset, numElements);
            case F16 -> FloatFormats.quantizeF16(src, srcOffset, dst, dstOffset, numElements);
            case BF16 -> FloatFormats.quantizeBf16(src, srcOffset, dst, dstOffset, numElements);
            case Q4_0 -> Q4Formats.quantizeQ4_0(src, srcOffset, dst, dstOffset, numElements);
            case Q4_1 -> Q4Formats.quantizeQ4_1(src, srcOffset, dst, dstOffset, numElements);
            case Q5_0 -> Q5Formats.quantizeQ5_0(src, srcOffset, dst, dstOffset, numElements);
            case Q5_1 -> Q5Formats.quantizeQ5_1(src, srcOffset, dst, dstOffset, numElements);
            case Q8_0 -> Q8Formats.quantizeQ8_0(src, srcOffset, dst, dstOffset, numElements);
            case Q8_1 -> Q8Formats.quantizeQ8_1(src, srcOffset, dst, dstOffset, numElements);
            case Q8_K -> Q8Formats.quantizeQ8_K(src, srcOffset, dst, dstOffset, numElements);
            case Q2_K -> Q2KFormat.quantize(src, srcOffset, dst, dstOffset, numElements);
            case Q3_K -> Q3KFormat.quantize(src, srcOffset, dst, dstOffset, numElements);
            case Q4_K -> Q45KFormats.quantize(false, src, srcOffset, dst, dstOffset, numElements);
            case Q5_K -> Q45KFormats.quantize(true, src, srcOffset, dst, dstOffset, numElements);
            case Q6_K -> Q6KFormat.quantize(src, srcOffset, dst, dstOffset, numElements);
            case IQ4_NL -> Iq4NlFormat.quantize(src, srcOffset, dst, dstOffset, numElements, null, 0,
                    Iq4NlFormat.FILE_NTRY);
            default -> throw new IllegalArgumentException("cannot quantize to " + type);
        }
    }

    /**
     * Quantizes as {@link #row(GgmlType, float[], int, MemorySegment, long, int)} with an importance matrix
     * (llama.cpp's {@code quant_weights}): {@code importance[0 .. numElements)} weights each column's rounding
     * error, as {@code ggml_quantize_chunk} does when llama-quantize is given {@code --imatrix}. A null
     * {@code importance} is the same as {@link #row(GgmlType, float[], int, MemorySegment, long, int)}.
     *
     * @throws IllegalArgumentException when {@code type} has no importance-weighted quantizer here
     *         ({@link #supportsImportance}) or the importance row is shorter than the row
     */
    public static void row(GgmlType type, float[] src, int srcOffset, MemorySegment dst, long dstOffset,
            int numElements, float[] importance) {
        if (importance == null) {
            row(type, src, srcOffset, dst, dstOffset, numElements);
            return;
        }
        Le.checkBlocks(numElements, type.blockSize(), type.name());
        java.util.Objects.checkFromIndexSize(srcOffset, numElements, src.length);
        if (importance.length < numElements) {
            throw new IllegalArgumentException(
                    "importance row of " + importance.length + " for a row of " + numElements);
        }
        switch (type) {
            case IQ4_NL -> Iq4NlFormat.quantize(src, srcOffset, dst, dstOffset, numElements, importance, 0,
                    Iq4NlFormat.FILE_NTRY);
            case Q4_0 -> Q4Formats.quantizeQ4_0Weighted(src, srcOffset, dst, dstOffset, numElements, importance, 0);
            // NOTE: ggml's Q8_0, F16 and BF16 quantizers take no importance (quantize_q8_0 ignores it)
            case Q8_0, F16, BF16, F32 -> row(type, src, srcOffset, dst, dstOffset, numElements);
            default -> throw new IllegalArgumentException("no importance-weighted quantizer for " + type);
        }
    }

    /** Whether {@link #row(GgmlType, float[], int, MemorySegment, long, int, float[])} takes an importance row. */
    public static boolean supportsImportance(GgmlType type) {
        return switch (type) {
            case IQ4_NL, Q4_0, Q8_0, F16, BF16, F32 -> true;
            default -> false;
        };
    }

    /**
     * Quantizes matmul activations to {@code actType} ({@link VecDot#activationType}) as llama.cpp's x86 CPU
     * backend does at run time: Q8_0 scales by {@code 127 / amax} and rounds half to even (see
     * {@code Q8Formats.quantizeQ8_0Activations}); every other type as {@link #row}. Weights are never quantized
     * with this: files use {@link #row}, the format's reference.
     */
    public static void activationRow(GgmlType actType, float[] src, int srcOffset, MemorySegment dst,
            long dstOffset, int numElements) {
        if (actType != GgmlType.Q8_0) {
            row(actType, src, srcOffset, dst, dstOffset, numElements);
            return;
        }
        Le.checkBlocks(numElements, actType.blockSize(), actType.name());
        java.util.Objects.checkFromIndexSize(srcOffset, numElements, src.length);
        Q8Formats.quantizeQ8_0Activations(src, srcOffset, dst, dstOffset, numElements);
    }

    /**
     * Same as {@link #row(GgmlType, float[], int, MemorySegment, long, int)} with the source read as
     * little-endian f32 from {@code src} at byte offset {@code srcOffset} (activations held off-heap).
     */
    public static void row(GgmlType type, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset,
            int numElements) {
        Le.checkBlocks(numElements, type.blockSize(), type.name());
        float[] x = new float[numElements];
        MemorySegment.copy(src, F32_LE, srcOffset, x, 0, numElements);
        row(type, x, 0, dst, dstOffset, numElements);
    }
}
