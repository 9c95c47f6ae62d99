package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Quantize;
import dev.quanta.kernels.quant.VecDot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Q4_K and Q5_K follow one summation order on every path ({@code VecDot.dot}'s contract: an exact integer S and M per
 * super-block, then two fmas): the file layout's matmul on every ISA this CPU has (scalar, AVX2, AVX-512 tiles of 1..8
 * tokens) equals the Java reference bit for bit, for row counts on and off the 16-row tiles and super-block counts
 * 1 to 9.
 */
class Q45KOrderTest {

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            args.add(Arguments.of(isa, GgmlType.Q4_K));
            args.add(Arguments.of(isa, GgmlType.Q5_K));
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void fileLayoutMatmulEqualsTheJavaContractBitForBit(Isa isa, GgmlType type) {
        Random rnd = new Random(101 + type.id() * 7L + isa.level());
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int[] shape : new int[][] {{1, 256}, {16, 512}, {37, 768}, {48, 2304}}) {
                int rows = shape[0];
                int cols = shape[1];
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                for (int tokens : new int[] {1, 3, 8, 9, 17}) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(type, w, rows, cols, x, got, tokens);
                    checkContract(type, w, x, got, rows, cols, tokens, 1, isa + " file layout");
                }
            }
        }
    }

    /**
     * Every {@code stride}-th row of every token of {@code got} ({@code [tokens][rows]}) against {@link VecDot#dot}
     * on the activations quantized by the Java reference.
     */
    static void checkContract(GgmlType type, MemorySegment w, MemorySegment x, MemorySegment got, int rows, int cols,
            int tokens, int stride, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment act = arena.allocate(GgmlType.Q8_K.byteSize(cols));
            float[] xf = new float[cols];
            for (int t = 0; t < tokens; t++) {
                MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                Quantize.activationRow(GgmlType.Q8_K, xf, 0, act, 0, cols);
                for (int r = 0; r < rows; r += stride) {
                    float want = VecDot.dot(type, w, r * type.byteSize(cols), act, 0, cols);
                    float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                    assertThat(Float.floatToRawIntBits(have))
                            .as("%s %s %dx%d tokens=%d out[%d][%d] = %s, contract %s", type, what, rows, cols, tokens,
                                    t, r, have, want)
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
            }
        }
    }
}
