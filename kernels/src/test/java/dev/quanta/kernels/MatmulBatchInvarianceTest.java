package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batch invariance of the native matmul, for every weight type on every ISA level this CPU has: a matmul of N tokens
 * gives, bit for bit, the N results of N one-token matmuls, so a request's output cannot depend on how many tokens
 * share its forward pass. Row counts cover the kernels' row paths (multiples of 16 and of 8, and neither), column
 * counts the vector tails of the float types.
 */
class MatmulBatchInvarianceTest {

    private static final int[] TOKEN_COUNTS = {1, 2, 3, 7, 8, 9, 16, 17, 33};

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            for (GgmlType type : TestData.WEIGHT_TYPES) {
                args.add(Arguments.of(isa, type));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void matmulOfManyTokensEqualsOneTokenMatmulsBitForBit(Isa isa, GgmlType type) {
        Random rnd = new Random(77 + type.id() * 13L + isa.level());
        int cols = switch (type.blockSize()) {
            case 256 -> 768;
            case 32 -> 224;
            default -> 200; // 3 x 64 + 8: the float dots' 64-element steps and their tails
        };
        int maxTokens = TOKEN_COUNTS[TOKEN_COUNTS.length - 1];
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int rows : new int[] {48, 40, 37}) {
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                MemorySegment x = TestData.floats(arena, rnd, (long) maxTokens * cols, 2f);
                // each token alone, as decode computes it
                MemorySegment single = arena.allocate(4L * maxTokens * rows, 64);
                for (int t = 0; t < maxTokens; t++) {
                    ops.matmul(type, w, rows, cols, x.asSlice(4L * t * cols, 4L * cols), single.asSlice(4L * t * rows,
                            4L * rows), 1);
                }
                for (int tokens : TOKEN_COUNTS) {
                    MemorySegment batch = arena.allocate(4L * tokens * rows, 64);
                    ops.matmul(type, w, rows, cols, x, batch, tokens);
                    for (int t = 0; t < tokens; t++) {
                        for (int r = 0; r < rows; r++) {
                            long i = (long) t * rows + r;
                            float want = single.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                            float got = batch.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                            assertThat(Float.floatToRawIntBits(got))
                                    .as("%s %s rows=%d tokens=%d out[%d][%d]: %s alone, %s in the batch", type, isa,
                                            rows, tokens, t, r, want, got)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }

    /**
     * Q5_0, Q4_1 and Q5_1 with 4+ tokens go through the Q8_0 kernel on rows converted to Q8_0 blocks, and Q4_1 / Q5_1
     * add their min sums afterwards: here at a model's width (18 blocks per row, rows split over the pool as the
     * engine splits them), with mins far above the scales so that the min sums decide the last bits.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("isas")
    void convertedTypesKeepTheOneTokenBitsAtModelSize(Isa isa) {
        Random rnd = new Random(91);
        int rows = 1200;
        int cols = 576;
        int tokens = 33;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (GgmlType type : List.of(GgmlType.Q5_0, GgmlType.Q4_1, GgmlType.Q5_1)) {
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                if (type != GgmlType.Q5_0) { // mins far above the scales: the min sums then decide the last bits
                    for (long b = 0; b < w.byteSize() / type.typeSize(); b++) {
                        float m = (0.5f + rnd.nextFloat()) * (rnd.nextBoolean() ? 1 : -1);
                        w.set(JAVA_SHORT_UNALIGNED, b * type.typeSize() + 2, Float.floatToFloat16(m));
                    }
                }
                MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                MemorySegment batch = arena.allocate(4L * tokens * rows, 64);
                ops.matmul(type, w, rows, cols, x, batch, tokens);
                MemorySegment single = arena.allocate(4L * rows, 64);
                for (int t = 0; t < tokens; t++) {
                    ops.matmul(type, w, rows, cols, x.asSlice(4L * t * cols, 4L * cols), single, 1);
                    assertThat(batch.asSlice(4L * t * rows, 4L * rows).mismatch(single))
                            .as("%s %s token %d of %d: first differing byte", type, isa, t, tokens).isEqualTo(-1L);
                }
            }
        }
    }

    static List<Isa> isas() {
        return NativeSupport.isas();
    }
}
