package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

/** Seeded random tensors for kernel tests. */
final class TestData {

    /** Every weight type the matmul supports. */
    static final List<GgmlType> WEIGHT_TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K,
            GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL);

    /** Lengths hitting every loop path: single blocks, vector-width edges, tails. */
    static final int[] ELEMENT_LENGTHS = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 257, 4096};

    private TestData() {}

    /** Row lengths for {@code type}: blocks x {1, 2, 3, 7, 8, 9, 31, 32, 33, ...} up to 4096 elements. */
    static int[] lengths(GgmlType type) {
        if (type.blockSize() == 1) {
            return ELEMENT_LENGTHS;
        }
        return type.blockSize() == 32 ? new int[] {32, 64, 96, 224, 256, 288, 992, 1024, 1056, 4096}
                : new int[] {256, 512, 768, 1792, 2048, 2304, 4096};
    }

    /** A copy of {@code src} in {@code arena}. */
    static MemorySegment copy(Arena arena, MemorySegment src) {
        MemorySegment dst = arena.allocate(src.byteSize(), 64);
        MemorySegment.copy(src, 0, dst, 0, src.byteSize());
        return dst;
    }

    static MemorySegment floats(Arena arena, Random rnd, long n, float scale) {
        MemorySegment s = arena.allocate(4 * n, 64);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (rnd.nextFloat() * 2 - 1) * scale);
        }
        return s;
    }

    static MemorySegment ints(Arena arena, int... values) {
        MemorySegment s = arena.allocate(4L * Math.max(1, values.length), 64);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(JAVA_INT_UNALIGNED, i, values[i]);
        }
        return s;
    }

    /**
     * {@code rows} random rows of {@code cols} elements of {@code type}: random bits everywhere (so every
     * quant value, sub-scale and high bit occurs) except the f16 super-scales, which are set to finite values of
     * either sign.
     */
    static MemorySegment weights(Arena arena, Random rnd, GgmlType type, int rows, int cols) {
        long bytes = type.byteSize(cols) * rows;
        MemorySegment s = arena.allocate(bytes, 64);
        switch (type) {
            case F32 -> {
                for (long i = 0; i < bytes / 4; i++) {
                    s.setAtIndex(JAVA_FLOAT_UNALIGNED, i, rnd.nextFloat() * 2 - 1);
                }
                return s;
            }
            case F16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    s.setAtIndex(JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(rnd.nextFloat() * 2 - 1));
                }
                return s;
            }
            case BF16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    int bits = Float.floatToRawIntBits(rnd.nextFloat() * 2 - 1);
                    s.setAtIndex(JAVA_SHORT_UNALIGNED, i, (short) (bits >>> 16));
                }
                return s;
            }
            default -> {
                byte[] raw = new byte[(int) bytes];
                rnd.nextBytes(raw);
                MemorySegment.copy(MemorySegment.ofArray(raw), 0, s, 0, bytes);
                int[] scaleOffsets = switch (type) {
                    case Q4_0, Q5_0, Q8_0, Q4_1, Q5_1, IQ4_NL -> type == GgmlType.Q4_1 || type == GgmlType.Q5_1
                            ? new int[] {0, 2} : new int[] {0};
                    case Q2_K -> new int[] {80, 82};
                    case Q3_K -> new int[] {108};
                    case Q4_K, Q5_K -> new int[] {0, 2};
                    case Q6_K -> new int[] {208};
                    default -> throw new IllegalArgumentException(type.toString());
                };
                long blocks = bytes / type.typeSize();
                for (long b = 0; b < blocks; b++) {
                    for (int off : scaleOffsets) {
                        float v = (0.002f + rnd.nextFloat() * 0.02f) * (rnd.nextBoolean() ? 1 : -1);
                        s.set(JAVA_SHORT_UNALIGNED, b * type.typeSize() + off, Float.floatToFloat16(v));
                    }
                }
                return s;
            }
        }
    }
}
