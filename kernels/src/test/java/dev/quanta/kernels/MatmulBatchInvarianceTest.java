package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
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
}
