package dev.quanta.kernels.quant;

/**
 * Scalar conversions between {@code float} and the 16-bit float formats, rounding exactly as ggml does.
 *
 * <ul>
 *   <li>IEEE half (F16): {@link Float#floatToFloat16} rounds to nearest even, like x86 F16C
 *       ({@code _cvtss_sh(x, 0)}) and ggml's software {@code GGML_FP32_TO_FP16}.</li>
 *   <li>bfloat16 (BF16): the top 16 bits of a float; float → bf16 rounds to nearest even and turns a NaN
 *       into a quiet NaN ({@code ggml_compute_fp32_to_bf16}).</li>
 * </ul>
 */
public final class FloatBits {

    private FloatBits() {}

    /** IEEE half bits → float (exact). */
    public static float halfToFloat(short half) {
        return Float.float16ToFloat(half);
    }

    /** float → IEEE half bits, round to nearest even. */
    public static short floatToHalf(float value) {
        return Float.floatToFloat16(value);
    }

    /** bfloat16 bits → float (exact: {@code bits << 16}). */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** float → bfloat16 bits, round to nearest even; NaN becomes a quiet NaN keeping the sign and top payload. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + (0x7fff + ((bits >>> 16) & 1))) >>> 16);
    }
}
