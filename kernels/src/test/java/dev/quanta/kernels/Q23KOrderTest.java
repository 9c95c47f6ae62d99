package dev.quanta.kernels;

import static dev.quanta.kernels.Q45KOrderTest.checkContract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Q2_K and Q3_K follow one summation order on every path ({@code VecDot.dot}'s contract: exact integers S (and M for
 * Q2_K) per super-block, then one fma each): the file layout's matmul on every ISA this CPU has (scalar, AVX2,
 * AVX-512 tiles of 1..8 tokens) equals the Java reference bit for bit, for row counts on and off the 16-row tiles and
 * super-block counts 1 to 9 (weights of random bytes: every scale, min and level); and so does the packed layout on
 * AVX-512 VNNI, whatever the token count.
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

    /**
     * On AVX-512 VNNI, matrices of whole 16-row tiles pack ({@code llmk_avx512_q23k_x16.c}: Q2_K at the file's size,
     * Q3_K at 114 / 110 of it) and the packed matmul gives the file layout's bits at every token count: 1..40 (every
     * group size of the kernel, whole groups and partial ones) and 300 (several L2 token blocks at 2048 and 8192
     * columns, the last one partial), rows split over two threads, 1 to 32 super-blocks per row; each checked row
     * also against the Java contract, and sampled tokens alone (decode) against the batch. Elsewhere no layout is
     * offered.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void packedMatmulGivesTheFileLayoutsBitsAtEveryTokenCount(Isa isa, GgmlType type) {
        Random rnd = new Random(223 + type.id() * 5L + isa.level());
        int rowBytesPerSuperBlock = type == GgmlType.Q3_K ? 114 : 84;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            assertThat(ops.packedLayout(type, 40, 256)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(type, 37, 512)).as("rows not a multiple of 16").isZero();
            int[][] shapes = {{16, 256}, {32, 512}, {48, 768}, {16, 2304}, {160, 2048}, {64, 8192}};
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                int layout = ops.packedLayout(type, rows, cols);
                if (!(isa.level() >= Isa.AVX512.level() && NativeSupport.hasVnni())) {
                    assertThat(layout).as("%s has no packed %s", isa, type).isZero();
                    continue;
                }
                assertThat(layout).as("%s packs %s %dx%d", isa, type, rows, cols).isPositive();
                long superBlocks = (long) rows / 16 * (cols / 256);
                assertThat(ops.packedBytes(layout, type, rows, cols)).as("16 rows x (84 or 114) bytes per super-block")
                        .isEqualTo(superBlocks * 16 * rowBytesPerSuperBlock);
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                MemorySegment packed = arena.allocate(ops.packedBytes(layout, type, rows, cols), 64);
                ops.pack(layout, type, w, rows, cols, packed);
                int[] counts = cols >= 2048 ? new int[] {1, 8, 9, 17, 40, 300}
                        : IntStream.rangeClosed(1, 40).toArray();
                for (int tokens : counts) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment plain = arena.allocate(4L * tokens * rows);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(type, w, rows, cols, x, plain, tokens);
                    ops.matmulPacked(layout, type, packed, rows, cols, x, got, tokens);
                    assertThat(got.mismatch(plain)).as("%s %s %dx%d tokens=%d: packed vs file layout", type, isa, rows,
                            cols, tokens).isEqualTo(-1L);
                    int tokenStride = Math.max(1, tokens / 7);
                    checkContract(type, w, x, got, rows, cols, Math.min(tokens, 3), rows > 48 ? 5 : 1, "packed");
                    MemorySegment alone = arena.allocate(4L * rows);
                    for (int t = tokens - 1; t >= 0; t -= tokenStride) {
                        ops.matmulPacked(layout, type, packed, rows, cols, x.asSlice(4L * t * cols, 4L * cols), alone,
                                1);
                        assertThat(got.asSlice(4L * t * rows, 4L * rows).mismatch(alone))
                                .as("%s %s %dx%d token %d of %d vs alone", type, isa, rows, cols, t, tokens)
                                .isEqualTo(-1L);
                    }
                }
            }
        }
    }
}
