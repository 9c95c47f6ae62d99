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
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Q2_K, Q3_K, Q4_K and Q5_K follow one summation order on every path ({@code VecDot.dot}'s contract: exact integers
 * S, and M where the type has mins, per super-block, then one fma each): the file layout's matmul on every ISA this
 * CPU has (scalar, AVX2, AVX-512 tiles of 1..8 tokens) equals the Java reference bit for bit, for row counts on and
 * off the 16-row tiles and super-block counts 1 to 9 (weights of random bytes: every scale, min and level); and so
 * does the packed layout wherever an ISA has its kernel ({@link NativeSupport#packs}: Q4_K and Q5_K from AVX2 on,
 * {@code llmk_avx2_q45k_x16.c} and {@code llmk_avx512_q45k_x16.c}; Q2_K and Q3_K on AVX-512 VNNI,
 * {@code llmk_avx512_q23k_x16.c}), whatever the token count.
 */
class KQuantOrderTest {

    /** Bytes of one row's super-block in the packed layout (16 rows of them per tile and super-block). */
    private static final Map<GgmlType, Integer> PACKED_ROW_BYTES = Map.of(
            GgmlType.Q2_K, 84,   // the file's size
            GgmlType.Q3_K, 114,  // the file's 110 + unpacked scales
            GgmlType.Q4_K, 148,  // the file's 144 + unpacked scales and mins
            GgmlType.Q5_K, 180); // the file's 176 + unpacked scales and mins

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            for (GgmlType type : List.of(GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K)) {
                args.add(Arguments.of(isa, type));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void fileLayoutMatmulEqualsTheJavaContractBitForBit(Isa isa, GgmlType type) {
        Random rnd = new Random(101 + type.id() * 7L + isa.level());
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
     * Where the ISA has the type's packed kernel, matrices of whole 16-row tiles pack and the packed matmul gives the file layout's bits at every token count: 1..40 (every group size of the kernel, whole groups and partial
     * ones) and 300 (several L2 token blocks at 2048 and 8192 columns, the last one partial), rows split over two
     * threads, 1 to 32 super-blocks per row; each checked row also against the Java contract, and sampled tokens alone
     * (decode) against the batch. Elsewhere no layout is offered.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void packedMatmulGivesTheFileLayoutsBitsAtEveryTokenCount(Isa isa, GgmlType type) {
        Random rnd = new Random(211 + type.id() * 5L + isa.level());
        int rowBytes = PACKED_ROW_BYTES.get(type);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            assertThat(ops.packedLayout(type, 40, 256)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(type, 37, 512)).as("rows not a multiple of 16").isZero();
            int[][] shapes = {{16, 256}, {32, 512}, {48, 768}, {16, 2304}, {160, 2048}, {64, 8192}};
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                int layout = ops.packedLayout(type, rows, cols);
                if (!NativeSupport.packs(isa, type)) {
                    assertThat(layout).as("%s has no packed %s", isa, type).isZero();
                    continue;
                }
                assertThat(layout).as("%s packs %s %dx%d", isa, type, rows, cols).isPositive();
                long superBlocks = (long) rows / 16 * (cols / 256);
                assertThat(ops.packedBytes(layout, type, rows, cols)).as("16 rows x %d bytes per super-block", rowBytes)
                        .isEqualTo(superBlocks * 16 * rowBytes);
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
