package dev.quanta.gguf;

import java.util.Optional;

/**
 * ggml tensor element types as stored in GGUF tensor infos (the numeric {@code id} is the on-disk value).
 *
 * <p>A tensor row of {@code n} elements (n a multiple of {@link #blockSize()}) occupies
 * {@code n / blockSize * typeSize} bytes. Block layouts (ggml-common.h), little-endian:
 * <pre>
 * Q4_0  [d:f16][qs:16 B  two 4-bit values per byte, low nibbles = elements 0..15]          32 el, 18 B
 * Q4_1  [d:f16][m:f16][qs:16 B]                                                           32 el, 20 B
 * Q5_0  [d:f16][qh:u32 fifth bits][qs:16 B]                                               32 el, 22 B
 * Q5_1  [d:f16][m:f16][qh:u32][qs:16 B]                                                   32 el, 24 B
 * Q8_0  [d:f16][qs:32 x i8]                                                               32 el, 34 B
 * Q8_1  [d:f16][s:f16 = d * sum(qs)][qs:32 x i8]                                          32 el, 36 B
 * Q2_K  [scales:16 B (4-bit scale | 4-bit min)][qs:64 B][d:f16][dmin:f16]                256 el, 84 B
 * Q3_K  [hmask:32 B][qs:64 B][scales:12 B (16 x 6-bit)][d:f16]                           256 el, 110 B
 * Q4_K  [d:f16][dmin:f16][scales:12 B (8 x 6-bit scale, 8 x 6-bit min)][qs:128 B]        256 el, 144 B
 * Q5_K  [d:f16][dmin:f16][scales:12 B][qh:32 B][qs:128 B]                                256 el, 176 B
 * Q6_K  [ql:128 B][qh:64 B][scales:16 x i8][d:f16]                                       256 el, 210 B
 * Q8_K  [d:f32][qs:256 x i8][bsums:16 x i16 (sum of each 16 qs)]                         256 el, 292 B
 * </pre>
 * Types beyond the classic ones (IQ*, TQ*, MXFP4) are known by size so files holding them can be read
 * and described, but the engine does not compute with them ({@link #isComputeSupported()}).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    /** K-quant super-block size in elements. */
    public static final int QK_K = 256;

    private static final GgmlType[] BY_ID = new GgmlType[40];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize; // elements per block
    private final int typeSize; // bytes per block

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    /** The on-disk type id. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types, 32 for Q*_0/1 and IQ4_NL, 256 for K-quants). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Bits per weight including scales, e.g. 4.5 for Q4_0, 8.5 for Q8_0. */
    public double bitsPerWeight() {
        return typeSize * 8.0 / blockSize;
    }

    /**
     * Bytes taken by {@code numElements} elements; the count must be a whole number of blocks.
     *
     * @throws IllegalArgumentException when it is not, or the size overflows a long
     */
    public long byteSize(long numElements) {
        if (numElements < 0 || numElements % blockSize != 0) {
            throw new IllegalArgumentException(
                    numElements + " elements is not a whole number of " + this + " blocks of " + blockSize);
        }
        return Math.multiplyExact(numElements / blockSize, (long) typeSize);
    }

    /** Whether the engine can dequantize and multiply this type (the classic F32 … Q8_0 / K-quant set and IQ4_NL). */
    public boolean isComputeSupported() {
        return switch (this) {
            case F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL -> true;
            default -> false;
        };
    }

    /** The type with on-disk id {@code id}, or empty for ids ggml never assigned or has removed. */
    public static Optional<GgmlType> fromId(int id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
    }
}
