package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Dequantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reference itself against textbook formulas (dequantize, then multiply in double). */
class JavaKernelOpsTest {

    private final JavaKernelOps ops = new JavaKernelOps();

    static java.util.List<GgmlType> types() {
        return TestData.WEIGHT_TYPES;
    }

    @ParameterizedTest
    @MethodSource("types")
    void matmulIsTheDequantizedProductUpToActivationQuantization(GgmlType type) {
        Random rnd = new Random(21 + type.id());
        int rows = 5;
        int cols = 512;
        int tokens = 2;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
            MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 1f);
            MemorySegment out = arena.allocate(4L * tokens * rows);
            ops.matmul(type, w, rows, cols, x, out, tokens);
            for (int r = 0; r < rows; r++) {
                float[] wd = Dequantize.row(type, w, r * type.byteSize(cols), cols);
                for (int t = 0; t < tokens; t++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int c = 0; c < cols; c++) {
                        double p = (double) wd[c] * x.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * cols + c);
                        exact += p;
                        magnitude += Math.abs(p);
                    }
                    // 8-bit activations: each element off by at most half a step of its block's scale (1/254 of
                    // the block's largest magnitude); float weights see only rounding
                    double bound = type.blockSize() == 1 ? 1e-5 * magnitude + 1e-6 : 0.01 * magnitude + 1e-3;
                    assertThat((double) out.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r))
                            .as("%s out[%d][%d]", type, t, r)
                            .isCloseTo(exact, Offset.offset(bound));
                }
            }
        }
    }

    @Test
    void ropeAtPositionZeroIsIdentityAndPreservesPairNorms() {
        try (Arena arena = Arena.ofConfined()) {
            Random rnd = new Random(4);
            int headDim = 8;
            MemorySegment x = TestData.floats(arena, rnd, 2L * headDim, 1f);
            MemorySegment before = arena.allocate(8L * headDim);
            MemorySegment.copy(x, 0, before, 0, 8L * headDim);
            // token 0 at position 0 (every angle 0: cos 1, sin 0), token 1 at angles 7 * theta_i
            MemorySegment cosSin = arena.allocate(8L * headDim);
            for (int i = 0; i < headDim; i += 2) {
                double angle = 7 * Math.pow(10000, -(double) i / headDim);
                cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, i, 1f);
                cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, i + 1, 0f);
                cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i, (float) Math.cos(angle));
                cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i + 1, (float) Math.sin(angle));
            }
            ops.rope(x, cosSin, 2, 1, headDim, headDim, false);
            for (int i = 0; i < headDim; i++) {
                assertThat(x.getAtIndex(JAVA_FLOAT_UNALIGNED, i)).isEqualTo(before.getAtIndex(JAVA_FLOAT_UNALIGNED, i));
            }
            for (int i = 0; i < headDim; i += 2) {
                double n0 = Math.hypot(before.getAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i),
                        before.getAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i + 1));
                double n1 = Math.hypot(x.getAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i),
                        x.getAtIndex(JAVA_FLOAT_UNALIGNED, headDim + i + 1));
                assertThat(n1).isCloseTo(n0, Offset.offset(1e-6));
            }
        }
    }
}
