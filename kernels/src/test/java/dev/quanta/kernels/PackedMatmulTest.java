package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Quantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packed weights ({@link KernelOps#packedLayout}): Q4_0 re-laid in 16-row tiles on AVX2 and AVX-512 multiplies to the
 * same bits as the file's layout and as llama.cpp's repacked arithmetic ({@link Q4MatmulContractTest#repacked}),
 * for every token count (one-token and many-token paths) and row split over the pool; IQ4_NL packs the same way
 * and follows llama.cpp's repacked iq4_nl_8x8 order; Q8_0 and Q5_0 pack from AVX2 on in the repacked order;
 * Q2_K .. Q5_K pack too ({@link KQuantOrderTest});
 * every other case has no packed layout.
 */
class PackedMatmulTest {

    static List<Isa> isas() {
        return NativeSupport.isas();
    }

    @ParameterizedTest
    @MethodSource("isas")
    void packedQ4_0GivesTheSameBitsAsTheFileLayoutAndLlamaCppsRepackedOrder(Isa isa) {
        Random rnd = new Random(71);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            // 16 x 8192: 40 tokens span three of the VNNI kernel's L2 token blocks (16 tokens each at 8192 columns);
            // where the CPU has AMX (LLMK_CPU_AMX_INT8), 8 tokens and more take the AMX kernel: up to 16 unpacking each
            // block just ahead, more through a whole tile unpacked per token block (176 tokens at 8192 columns: 200
            // tokens span two, the second ending in a partial group of 8)
            int[][] shapes = {{16, 32}, {48, 96}, {32, 2048}, {1024, 1024}, {16, 8192}};
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                int layout = ops.packedLayout(GgmlType.Q4_0, rows, cols);
                if (!NativeSupport.packs(isa, GgmlType.Q4_0)) {
                    assertThat(layout).as("%s has no packed Q4_0", isa).isZero();
                    continue;
                }
                assertThat(layout).as("%s packs Q4_0 %dx%d", isa, rows, cols).isPositive();
                MemorySegment w = TestData.weights(arena, rnd, GgmlType.Q4_0, rows, cols);
                MemorySegment packed = arena.allocate(w.byteSize(), 64);
                ops.pack(layout, GgmlType.Q4_0, w, rows, cols, packed);
                assertThat(packed.mismatch(w)).as("the packed copy is re-laid").isNotEqualTo(-1L);
                int[] counts = cols == 8192 ? new int[] {1, 8, 9, 16, 17, 40, 200} : new int[] {1, 2, 3, 5, 8, 9, 16, 17, 40};
                for (int tokens : counts) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment plain = arena.allocate(4L * tokens * rows);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(GgmlType.Q4_0, w, rows, cols, x, plain, tokens);
                    ops.matmulPacked(layout, GgmlType.Q4_0, packed, rows, cols, x, got, tokens);
                    assertThat(got.mismatch(plain)).as("%s %dx%d tokens=%d: packed vs file layout", isa, rows, cols,
                            tokens).isEqualTo(-1L);
                    checkContract(w, x, got, rows, cols, tokens, rows > 64 ? 7 : 1);
                }
            }
        }
    }

    /**
     * IQ4_NL (its blocks have Q4_0's shape) packs into the same tiles and multiplies in llama.cpp's repacked
     * iq4_nl_8x8 order, which llama.cpp runs on every AVX2 CPU (its unpacked 8-lane order is what it runs without
     * repacking, so the packed results differ from the file layout's in the last bits). Every token count gives
     * each token the bits it gets alone: VNNI below 8 tokens, AMX from 8 where the CPU has it.
     */
    @ParameterizedTest
    @MethodSource("isas")
    void packedIq4NlFollowsLlamaCppsRepackedOrderAtEveryTokenCount(Isa isa) {
        Random rnd = new Random(73);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            int[][] shapes = {{16, 32}, {48, 96}, {32, 2048}, {16, 8192}};
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                int layout = ops.packedLayout(GgmlType.IQ4_NL, rows, cols);
                if (!NativeSupport.packs(isa, GgmlType.IQ4_NL)) {
                    assertThat(layout).as("%s has no packed IQ4_NL", isa).isZero();
                    continue;
                }
                assertThat(layout).as("%s packs IQ4_NL %dx%d", isa, rows, cols).isPositive()
                        .isNotEqualTo(ops.packedLayout(GgmlType.Q4_0, rows, cols));
                MemorySegment w = TestData.weights(arena, rnd, GgmlType.IQ4_NL, rows, cols);
                MemorySegment packed = arena.allocate(w.byteSize(), 64);
                ops.pack(layout, GgmlType.IQ4_NL, w, rows, cols, packed);
                int[] counts = cols == 8192 ? new int[] {1, 8, 17, 200} : new int[] {1, 3, 8, 9, 16, 17, 40};
                for (int tokens : counts) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmulPacked(layout, GgmlType.IQ4_NL, packed, rows, cols, x, got, tokens);
                    checkContract(w, x, got, rows, cols, tokens, rows > 32 ? 5 : 1, true);
                    MemorySegment alone = arena.allocate(4L * rows);
                    for (int t = 0; t < tokens; t += Math.max(1, tokens / 5)) {
                        ops.matmulPacked(layout, GgmlType.IQ4_NL, packed, rows, cols,
                                x.asSlice(4L * t * cols, 4L * cols), alone, 1);
                        assertThat(got.asSlice(4L * t * rows, 4L * rows).mismatch(alone))
                                .as("%s %dx%d token %d of %d vs alone", isa, rows, cols, t, tokens).isEqualTo(-1L);
                    }
                }
            }
        }
    }

    /**
     * Q8_0 packs from AVX2 on into 16-row tiles whose blocks are at once vpdpbusd operands and AMX tiles (AVX2
     * splits each byte into its nibbles for vpmaddubsw), and multiplies in llama.cpp's repacked q8_0 order (per block
     * the exact sum, then one fma; the order of its repacked Q4_0, and of its Q8_0 on Arm), not the file layout's
     * 8-lane order. Every token count gives each token the bits it gets alone: one token at a time, the unpacked
     * tiles from 8 tokens on (AVX2), AMX from 8 where the CPU has it (176 tokens per AMX token block at 8192 columns,
     * so 200 span two). The weights are random bytes, -128 included.
     */
    @ParameterizedTest
    @MethodSource("isas")
    void packedQ8_0FollowsLlamaCppsRepackedOrderAtEveryTokenCount(Isa isa) {
        checkRepackedOrder(isa, GgmlType.Q8_0, new Random(79));
    }

    /**
     * Q5_0 packs from AVX2 on as Q4_0 does, its fifth bits as byte masks, and multiplies in the same repacked
     * order (per block the exact sum of (nibble | bit &lt;&lt; 4) - 16 times the activations, then one fma), not the
     * file layout's 8-lane order (llama.cpp does not repack Q5_0). The file's own size; every token count gives
     * each token its bits alone.
     */
    @ParameterizedTest
    @MethodSource("isas")
    void packedQ5_0FollowsTheRepackedOrderAtEveryTokenCount(Isa isa) {
        checkRepackedOrder(isa, GgmlType.Q5_0, new Random(83));
    }

    private static void checkRepackedOrder(Isa isa, GgmlType type, Random rnd) {
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            // 32 x 1120: 35 blocks, so the AVX2 many-token path's chunks of 16 blocks end in a partial one
            int[][] shapes = {{16, 32}, {48, 96}, {32, 1120}, {32, 2048}, {16, 8192}, {1024, 1024}};
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1];
                int layout = ops.packedLayout(type, rows, cols);
                if (!NativeSupport.packs(isa, type)) {
                    assertThat(layout).as("%s has no packed %s", isa, type).isZero();
                    continue;
                }
                assertThat(layout).as("%s packs %s %dx%d", isa, type, rows, cols).isPositive()
                        .isNotEqualTo(ops.packedLayout(GgmlType.Q4_0, rows, cols));
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                assertThat(ops.packedBytes(layout, type, rows, cols)).isEqualTo(w.byteSize());
                MemorySegment packed = arena.allocate(w.byteSize(), 64);
                ops.pack(layout, type, w, rows, cols, packed);
                int[] counts = cols == 8192 ? new int[] {1, 8, 17, 200}
                        : rows == 1024 ? new int[] {1, 8, 64} : new int[] {1, 2, 3, 7, 8, 9, 16, 17, 40};
                for (int tokens : counts) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmulPacked(layout, type, packed, rows, cols, x, got, tokens);
                    checkRepackedContract(type, w, x, got, rows, cols, tokens, rows > 32 ? 5 : 1);
                    MemorySegment alone = arena.allocate(4L * rows);
                    for (int t = 0; t < tokens; t += Math.max(1, tokens / 5)) {
                        ops.matmulPacked(layout, type, packed, rows, cols,
                                x.asSlice(4L * t * cols, 4L * cols), alone, 1);
                        assertThat(got.asSlice(4L * t * rows, 4L * rows).mismatch(alone))
                                .as("%s %dx%d token %d of %d vs alone", isa, rows, cols, t, tokens).isEqualTo(-1L);
                    }
                }
            }
        }
    }

    /** Every {@code stride}-th row of every token against {@link #repacked}. */
    private static void checkRepackedContract(GgmlType type, MemorySegment w, MemorySegment x, MemorySegment got,
            int rows, int cols, int tokens, int stride) {
        checkRows(x, got, rows, cols, tokens, stride,
                (r, act) -> repacked(type, w, r * type.byteSize(cols), act, cols / 32));
    }

    /** A row's expected result from the quantized activations of one token. */
    private interface RowContract {
        float of(int row, MemorySegment act);
    }

    /** Quantizes each token's activations as the kernels do and checks every {@code stride}-th row, bit for bit. */
    private static void checkRows(MemorySegment x, MemorySegment got, int rows, int cols, int tokens, int stride,
            RowContract contract) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment act = arena.allocate(GgmlType.Q8_0.byteSize(cols));
            float[] xf = new float[cols];
            for (int t = 0; t < tokens; t++) {
                MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                Quantize.activationRow(GgmlType.Q8_0, xf, 0, act, 0, cols);
                for (int r = 0; r < rows; r += stride) {
                    float want = contract.of(r, act);
                    float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                    assertThat(Float.floatToRawIntBits(have)).as("out[%d][%d] = %s, contract %s", t, r, have, want)
                            .isEqualTo(Float.floatToRawIntBits(want));
                }
            }
        }
    }

    /**
     * The repacked order of Q8_0 (llama.cpp's ggml_gemv/gemm_q8_0_4x8_q8_0) or Q5_0: per block (f16 d first) the
     * exact sum of the 32 products, then {@code acc = fma(isum, dw * dy, acc)}.
     */
    static float repacked(GgmlType type, MemorySegment w, long wOff, MemorySegment a, int blocks) {
        long blockBytes = type.byteSize(32);
        float acc = 0f;
        for (int b = 0; b < blocks; b++) {
            long wb = wOff + blockBytes * b;
            long ab = 34L * b;
            int isum = 0;
            for (int k = 0; k < 32; k++) {
                isum += value(type, w, wb, k) * a.get(JAVA_BYTE, ab + 2 + k);
            }
            float d = Float.float16ToFloat(w.get(JAVA_SHORT_UNALIGNED, wb))
                    * Float.float16ToFloat(a.get(JAVA_SHORT_UNALIGNED, ab));
            acc = Math.fma((float) isum, d, acc);
        }
        return acc;
    }

    /** Element k of a Q8_0 block (a signed byte) or a Q5_0 block (f16 d, 32 fifth bits, 16 bytes of nibbles). */
    private static int value(GgmlType type, MemorySegment w, long block, int k) {
        if (type == GgmlType.Q8_0) {
            return w.get(JAVA_BYTE, block + 2 + k);
        }
        int qh = w.get(JAVA_INT_UNALIGNED, block + 2);
        int nibble = (w.get(JAVA_BYTE, block + 6 + (k % 16)) >> (k < 16 ? 0 : 4)) & 0x0F;
        return (nibble | ((qh >>> k) & 1) << 4) - 16;
    }

    /** Every {@code stride}-th row of every token against the Java contract of llama.cpp's repacked Q4_0 order. */
    private static void checkContract(MemorySegment w, MemorySegment x, MemorySegment got, int rows, int cols,
            int tokens, int stride) {
        checkContract(w, x, got, rows, cols, tokens, stride, false);
    }

    /** The same for Q4_0 or (iq4nl) IQ4_NL. */
    private static void checkContract(MemorySegment w, MemorySegment x, MemorySegment got, int rows, int cols,
            int tokens, int stride, boolean iq4nl) {
        checkRows(x, got, rows, cols, tokens, stride,
                (r, act) -> Q4MatmulContractTest.repacked(w, r * GgmlType.Q4_0.byteSize(cols), act, cols / 32, iq4nl));
    }

    @ParameterizedTest
    @MethodSource("isas")
    void onlyQ4_0Q5_0Q8_0Iq4NlAndQ2KToQ5KWithRowsInWholeTilesHaveAPackedLayout(Isa isa) {
        try (NativeKernelOps ops = NativeKernelOps.withIsa(1, isa)) {
            assertThat(ops.packedLayout(GgmlType.Q4_0, 24, 64)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.IQ4_NL, 24, 64)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.Q4_K, 24, 256)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.Q8_0, 32, 64) > 0).as("Q8_0 packs from AVX2 on")
                    .isEqualTo(NativeSupport.packs(isa, GgmlType.Q8_0));
            assertThat(ops.packedLayout(GgmlType.Q8_0, 24, 64)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.Q5_0, 32, 64) > 0).as("Q5_0 packs from AVX2 on")
                    .isEqualTo(NativeSupport.packs(isa, GgmlType.Q5_0));
            assertThat(ops.packedLayout(GgmlType.Q5_0, 24, 64)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.Q6_K, 32, 256)).isZero();
            assertThat(ops.packedLayout(GgmlType.Q4_K, 32, 256) > 0).as("Q4_K packs (KQuantOrderTest)")
                    .isEqualTo(NativeSupport.packs(isa, GgmlType.Q4_K));
            assertThat(ops.packedLayout(GgmlType.Q2_K, 32, 256) > 0).as("Q2_K packs (KQuantOrderTest)")
                    .isEqualTo(NativeSupport.packs(isa, GgmlType.Q2_K));
            assertThat(ops.packedLayout(GgmlType.Q3_K, 32, 256) > 0).as("Q3_K packs (KQuantOrderTest)")
                    .isEqualTo(NativeSupport.packs(isa, GgmlType.Q3_K));
            assertThat(ops.packedLayout(GgmlType.Q3_K, 24, 256)).as("rows not a multiple of 16").isZero();
            assertThat(ops.packedLayout(GgmlType.F16, 32, 64)).isZero();
            assertThatThrownBy(() -> ops.matmulPacked(12345, GgmlType.Q4_0, MemorySegment.NULL, 32, 64,
                    MemorySegment.NULL, MemorySegment.NULL, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no packed layout 12345");
        }
    }

    @Test
    void repackingOffLeavesEveryMatrixInTheFilesLayout() {
        try (KernelOps on = Kernels.create(KernelConfig.withThreads(1));
                KernelOps off = Kernels.create(KernelConfig.withThreads(1).withRepack(false))) {
            assertThat(off.packedLayout(GgmlType.Q4_0, 32, 64)).isZero();
            assertThat(new JavaKernelOps().packedLayout(GgmlType.Q4_0, 32, 64)).as("the Java reference").isZero();
            if (on instanceof NativeKernelOps n && NativeSupport.packs(n.isa(), GgmlType.Q4_0)) {
                assertThat(on.packedLayout(GgmlType.Q4_0, 32, 64)).isPositive();
            }
        }
    }
}
