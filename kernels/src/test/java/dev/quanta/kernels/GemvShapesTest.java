package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Dequantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one-token matmul paths (llmk_avx2_gemv.c) at lengths and row ranges that reach every loop of them: F16 with
 * 32-, 8- and 1-element tails, Q4_0 with 0..3 blocks after the four-block steps and more than 1024 blocks (the
 * permuted activation copy then lives on the heap), row ranges that start and end off the row-pair steps.
 */
class GemvShapesTest {

    private static final KernelOps REF = new JavaKernelOps();

    static List<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            args.add(Arguments.of(isa, GgmlType.F16, new int[] {1, 7, 8, 9, 31, 32, 33, 72, 100, 8200}));
            args.add(Arguments.of(isa, GgmlType.Q4_0, new int[] {32, 64, 96, 128, 160, 224, 288, 4096 + 96, 32896}));
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void oneTokenMatchesReference(Isa isa, GgmlType type, int[] lengths) {
        Random rnd = new Random(31 + type.id());
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(1, isa)) {
            for (int cols : lengths) {
                for (int rows : new int[] {1, 2, 3, 5}) {
                    MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                    MemorySegment x = TestData.floats(arena, rnd, cols, 2f);
                    MemorySegment got = arena.allocate(4L * rows);
                    MemorySegment want = arena.allocate(4L * rows);
                    ops.matmul(type, w, rows, cols, x, got, 1);
                    REF.matmul(type, w, rows, cols, x, want, 1);
                    float[] xf = new float[cols];
                    MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 0, xf, 0, cols);
                    for (int r = 0; r < rows; r++) {
                        float[] wd = Dequantize.row(type, w, r * type.byteSize(cols), cols);
                        double magnitude = 0;
                        for (int c = 0; c < cols; c++) {
                            magnitude += Math.abs((double) wd[c] * xf[c]);
                        }
                        double bound = 4e-6 * magnitude + 1e-6; // same activation bytes, sums in another order
                        assertThat((double) got.getAtIndex(JAVA_FLOAT_UNALIGNED, r))
                                .as("%s %s cols=%d rows=%d row %d", type, isa, cols, rows, r)
                                .isCloseTo(want.getAtIndex(JAVA_FLOAT_UNALIGNED, r), Offset.offset(bound));
                    }
                }
            }
        }
    }
}
