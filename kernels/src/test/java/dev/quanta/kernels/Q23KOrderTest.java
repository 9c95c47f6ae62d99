package dev.quanta.kernels;

import static dev.quanta.kernels.Q45KOrderTest.checkContract;
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
 * Q2_K and Q3_K follow one summation order on every path ({@code VecDot.dot}'s contract: exact integers S (and M for
 * Q2_K) per super-block, then one fma each): the file layout's matmul on every ISA this CPU has (scalar, AVX2,
 * AVX-512 tiles of 1..8 tokens) equals the Java reference bit for bit, for row counts on and off the 16-row tiles and
 * super-block counts 1 to 9 (weights of random bytes: every scale, min and level).
 */
class Q23KOrderTest {

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            args.add(Arguments.of(isa, GgmlType.Q2_K));
            args.add(Arguments.of(isa, GgmlType.Q3_K));
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void fileLayoutMatmulEqualsTheJavaContractBitForBit(Isa isa, GgmlType type) {
        Random rnd = new Random(103 + type.id() * 7L + isa.level());
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int[] shape : new int[][] {{1, 256}, {16, 512}, {37, 768}, {40, 1280}, {48, 2304}}) {
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
}
