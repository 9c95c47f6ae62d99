package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@link NativeKernelOps} operation against {@link JavaKernelOps} on seeded data, on every ISA here. */
class NativeKernelOpsTest {

    private static final JavaKernelOps REF = new JavaKernelOps();

    static List<Isa> isas() {
        return NativeSupport.isas();
    }

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
    void matmulMatchesReferenceForSeveralTokenCounts(Isa isa, GgmlType type) {
        Random rnd = new Random(1000 + type.id());
        int cols = type.blockSize() == 256 ? 512 : 96;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int rows : new int[] {1, 37, 130}) {
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                float[][] wd = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    wd[r] = dev.quanta.kernels.quant.Dequantize.row(type, w, r * type.byteSize(cols), cols);
                }
                for (int tokens : new int[] {1, 3, 8, 9, 17}) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    MemorySegment want = arena.allocate(4L * tokens * rows);
                    ops.matmul(type, w, rows, cols, x, got, tokens);
                    REF.matmul(type, w, rows, cols, x, want, tokens);
                    float[] xf = new float[cols];
                    for (int t = 0; t < tokens; t++) {
                        MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                        for (int r = 0; r < rows; r++) {
                            double magnitude = 0;
                            for (int c = 0; c < cols; c++) {
                                magnitude += Math.abs((double) wd[r][c] * xf[c]);
                            }
                            // activations quantized identically on both sides; sums in another order
                            double bound = 4e-6 * magnitude + 1e-6;
                            long i = (long) t * rows + r;
                            assertThat((double) got.getAtIndex(JAVA_FLOAT_UNALIGNED, i))
                                    .as("%s %s rows=%d tokens=%d out[%d][%d]", type, isa, rows, tokens, t, r)
                                    .isCloseTo(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i), Offset.offset(bound));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void prefillSizedMatmulMatchesReference(Isa isa) {
        // 40 tokens x 128 blocks: more tokens than one tile and more per-call activation data than the C fast
        // path keeps on its stack
        Random rnd = new Random(77);
        int rows = 12;
        int cols = 4096;
        int tokens = 40;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 1f);
                MemorySegment got = arena.allocate(4L * tokens * rows);
                MemorySegment want = arena.allocate(4L * tokens * rows);
                ops.matmul(type, w, rows, cols, x, got, tokens);
                REF.matmul(type, w, rows, cols, x, want, tokens);
                float[][] wd = new float[rows][];
                for (int r = 0; r < rows; r++) {
                    wd[r] = dev.quanta.kernels.quant.Dequantize.row(type, w, r * type.byteSize(cols), cols);
                }
                float[] xf = new float[cols];
                for (int t = 0; t < tokens; t++) {
                    MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xf, 0, cols);
                    for (int r = 0; r < rows; r++) {
                        double magnitude = 0;
                        for (int c = 0; c < cols; c++) {
                            magnitude += Math.abs((double) wd[r][c] * xf[c]);
                        }
                        long i = (long) t * rows + r;
                        assertThat((double) got.getAtIndex(JAVA_FLOAT_UNALIGNED, i))
                                .as("%s %s out[%d][%d]", type, isa, t, r)
                                .isCloseTo(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i),
                                        Offset.offset(4e-6 * magnitude + 1e-6));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void matmulOnALargeMatrixSplitsRowsOverThreadsCorrectly(Isa isa) {
        Random rnd = new Random(5);
        int rows = 1000;
        int cols = 1024;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa);
                NativeKernelOps single = NativeKernelOps.withIsa(1, isa)) {
            MemorySegment w = TestData.weights(arena, rnd, GgmlType.Q4_0, rows, cols);
            MemorySegment x = TestData.floats(arena, rnd, 2L * cols, 1f);
            MemorySegment a = arena.allocate(8L * rows);
            MemorySegment b = arena.allocate(8L * rows);
            for (int repeat = 0; repeat < 50; repeat++) {
                ops.matmul(GgmlType.Q4_0, w, rows, cols, x, a, 2);
                single.matmul(GgmlType.Q4_0, w, rows, cols, x, b, 2);
                // same kernel on the same rows: the split must not change a single bit
                assertThat(a.asByteBuffer()).isEqualTo(b.asByteBuffer());
            }
        }
    }

    /** Element lengths of the element-wise tests, plus batches large enough to run on the pool. */
    private static final int[][] ELEMENTWISE_SHAPES = {{1, 1}, {3, 7}, {3, 15}, {3, 16}, {3, 17}, {3, 33},
        {2, 576}, {5, 2048}, {64, 576}, {40, 1536}};

    private static void assertSameBits(MemorySegment got, MemorySegment want, long n, String what) {
        for (long i = 0; i < n; i++) {
            assertThat(Float.floatToRawIntBits(got.getAtIndex(JAVA_FLOAT_UNALIGNED, i))).as(what + " at " + i)
                    .isEqualTo(Float.floatToRawIntBits(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i)));
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void rmsNormEqualsTheGgmlReferenceBitForBit(Isa isa) {
        Random rnd = new Random(11);
        JavaKernelOps ref = new JavaKernelOps(isa);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int[] shape : ELEMENTWISE_SHAPES) {
                int tokens = shape[0];
                int dim = shape[1];
                long n = (long) tokens * dim;
                MemorySegment x = TestData.floats(arena, rnd, n, 4f);
                MemorySegment weight = TestData.floats(arena, rnd, dim, 2f);
                MemorySegment got = arena.allocate(4 * n);
                MemorySegment want = arena.allocate(4 * n);
                for (MemorySegment w : new MemorySegment[] {weight, null}) {
                    String what = "rmsNorm " + isa + " " + tokens + "x" + dim + (w == null ? " no weight" : "");
                    ops.rmsNorm(got, x, w, dim, tokens, 1e-5f);
                    ref.rmsNorm(want, x, w, dim, tokens, 1e-5f);
                    assertSameBits(got, want, n, what);
                }
                MemorySegment outOfPlace = arena.allocate(4 * n);
                ops.rmsNorm(outOfPlace, x, weight, dim, tokens, 1e-5f);
                ops.rmsNorm(x, x, weight, dim, tokens, 1e-5f); // in place
                assertSameBits(x, outOfPlace, n, "rmsNorm in place " + isa + " " + tokens + "x" + dim);
                // and it is RMSNorm: unit root mean square before the weight
                ops.rmsNorm(got, x, null, dim, tokens, 0f);
                for (int t = 0; t < tokens; t++) {
                    double ss = 0;
                    for (int i = 0; i < dim; i++) {
                        double v = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * dim + i);
                        ss += v * v;
                    }
                    assertThat(Math.sqrt(ss / dim)).as("rms " + tokens + "x" + dim).isCloseTo(1.0, within(1e-4));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void ropeEqualsTheGgmlReferenceBitForBitInBothOrders(Isa isa) {
        Random rnd = new Random(12);
        JavaKernelOps ref = new JavaKernelOps(isa);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (boolean neox : new boolean[] {false, true}) {
                for (int[] shape : new int[][] {{64, 64, 5}, {128, 128, 40}, {80, 32, 3}, {2, 2, 1}}) {
                    int headDim = shape[0];
                    int ropeDim = shape[1];
                    int tokens = shape[2];
                    int heads = 9;
                    long n = (long) tokens * heads * headDim;
                    MemorySegment x = TestData.floats(arena, rnd, n, 1f);
                    MemorySegment y = TestData.copy(arena, x);
                    MemorySegment cosSin = arena.allocate(4L * tokens * ropeDim);
                    for (int t = 0; t < tokens; t++) {
                        for (int i = 0; i < ropeDim; i += 2) {
                            double angle = rnd.nextDouble() * 100;
                            cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * ropeDim + i, (float) Math.cos(angle));
                            cosSin.setAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * ropeDim + i + 1,
                                    (float) Math.sin(angle));
                        }
                    }
                    ops.rope(x, cosSin, tokens, heads, headDim, ropeDim, neox);
                    ref.rope(y, cosSin, tokens, heads, headDim, ropeDim, neox);
                    assertSameBits(x, y, n, "rope " + isa + " neox=" + neox + " " + headDim + "/" + ropeDim);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void swigluAndAddEqualTheGgmlReferenceBitForBit(Isa isa) {
        Random rnd = new Random(13);
        JavaKernelOps ref = new JavaKernelOps(isa);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int[] shape : ELEMENTWISE_SHAPES) {
                int rows = shape[0];
                int len = shape[1];
                long n = (long) rows * len;
                MemorySegment g = TestData.floats(arena, rnd, n, 8f);
                // past the range of ggml_v_expf's main path on both ISAs (|n| > 126 and > 192) and near it
                float[] edges = {100f, -100f, 150f, -150f, 87.5f, -88.5f, 0f, -0f};
                for (int i = 0; i < Math.min(edges.length, n); i++) {
                    g.setAtIndex(JAVA_FLOAT_UNALIGNED, i * (n / Math.min(edges.length, n)), edges[i]);
                }
                MemorySegment u = TestData.floats(arena, rnd, n, 3f);
                MemorySegment g2 = TestData.copy(arena, g);
                MemorySegment input = TestData.copy(arena, g);
                ops.swiglu(g, u, rows, len);
                ref.swiglu(g2, u, rows, len);
                assertSameBits(g, g2, n, "swiglu " + isa + " " + rows + "x" + len);
                // and it is SwiGLU
                for (long i = 0; i < n; i++) {
                    double v = input.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                    double want = v / (1 + Math.exp(-v)) * u.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
                    assertThat((double) g.getAtIndex(JAVA_FLOAT_UNALIGNED, i)).as("swiglu value at " + i)
                            .isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
                }
                MemorySegment a = TestData.copy(arena, input);
                MemorySegment a2 = TestData.copy(arena, input);
                ops.add(a, u, n);
                ref.add(a2, u, n);
                assertSameBits(a, a2, n, "add " + isa + " " + n);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("isas")
    void pagedAttentionEqualsReferenceBitForBitWithGqaAndScatteredBlocks(Isa isa) {
        Random rnd = new Random(14);
        for (GgmlType kvType : new GgmlType[] {GgmlType.F16, GgmlType.F32}) {
            // 8: all tail (stories260K); 20: 8-wide part and tail; 64, 128: whole 32-element steps; 72: both
            for (int headDim : new int[] {8, 20, 64, 72, 128}) {
              // (heads, kvHeads): groups of 4 and 8 heads (more than a kernel pass takes), 3 (smol-135m), 5 (a
              // pass of 4 and one of 1) and 2
              for (int[] shape : new int[][] {{8, 2}, {8, 1}, {6, 2}, {5, 1}, {4, 2}}) {
                int heads = shape[0];
                int kvHeads = shape[1];
                try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
                    int blockSize = 16;
                    int numBlocks = 12;
                    int maxBlocks = 5;
                    long cacheElems = (long) numBlocks * blockSize * kvHeads * headDim;
                    MemorySegment k = cache(arena, rnd, kvType, cacheElems);
                    MemorySegment v = cache(arena, rnd, kvType, cacheElems);
                    // three sequences: 1 position; a full block plus one (queries at 16 and 17 positions, a prompt
                    // chunk); 70 positions over scattered blocks (queries at 69 and 70); one table row per sequence
                    int[] lens = {1, 16, 17, 69, 70};
                    int[] seqOf = {0, 1, 1, 2, 2};
                    int[] seqTables = {7, 0, 0, 0, 0, 3, 9, 0, 0, 0, 11, 2, 5, 8, 1};
                    int[] tables = new int[lens.length * maxBlocks]; // the same, one row per query, for the check
                    for (int t = 0; t < lens.length; t++) {
                        System.arraycopy(seqTables, seqOf[t] * maxBlocks, tables, t * maxBlocks, maxBlocks);
                    }
                    int queries = lens.length;
                    MemorySegment q = TestData.floats(arena, rnd, (long) queries * heads * headDim, 1f);
                    MemorySegment got = arena.allocate(4L * queries * heads * headDim);
                    MemorySegment want = arena.allocate(4L * queries * heads * headDim);
                    float scale = (float) (1 / Math.sqrt(headDim));
                    ops.attention(got, q, queries, heads, kvHeads, headDim, k, v, kvType, blockSize,
                            TestData.ints(arena, seqTables), 3, maxBlocks, TestData.ints(arena, seqOf),
                            TestData.ints(arena, lens), scale);
                    // the reference in the summation shape of this ISA (AVX-512: 16 lanes per accumulator)
                    new JavaKernelOps(isa).attention(want, q, queries, heads, kvHeads, headDim, k, v, kvType,
                            blockSize, TestData.ints(arena, seqTables), 3, maxBlocks, TestData.ints(arena, seqOf),
                            TestData.ints(arena, lens), scale);
                    for (long i = 0; i < (long) queries * heads * headDim; i++) {
                        assertThat(Float.floatToRawIntBits(got.getAtIndex(JAVA_FLOAT_UNALIGNED, i)))
                                .as("attention %s %s headDim %d kvHeads %d at %d", isa, kvType, headDim, kvHeads, i)
                                .isEqualTo(Float.floatToRawIntBits(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i)));
                    }
                    // and the reference is attention: within f16 (or f32) accumulation error of exact softmax
                    double tol = kvType == GgmlType.F16 ? 2e-2 : 1e-5;
                    for (int t = 0; t < queries; t++) {
                        for (int h = 0; h < heads; h++) {
                            double[] exact = naiveAttention(q, t, h, heads, kvHeads, headDim, k, v, kvType,
                                    blockSize, tables, maxBlocks, lens[t], scale);
                            for (int d = 0; d < headDim; d++) {
                                long i = ((long) t * heads + h) * headDim + d;
                                assertThat((double) want.getAtIndex(JAVA_FLOAT_UNALIGNED, i))
                                        .as("reference attention %s headDim %d at %d", kvType, headDim, i)
                                        .isCloseTo(exact[d], Offset.offset(tol * 2));
                            }
                        }
                    }
                }
              }
            }
        }
    }

    /** softmax(scale * q . K) . V in double, straight from the definition (values are in [-2, 2]). */
    private static double[] naiveAttention(MemorySegment q, int t, int h, int heads, int kvHeads, int headDim,
            MemorySegment k, MemorySegment v, GgmlType kvType, int blockSize, int[] tables, int maxBlocks, int len,
            float scale) {
        int g = h / (heads / kvHeads);
        double[] scores = new double[len];
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < len; p++) {
            long slot = ((long) tables[t * maxBlocks + p / blockSize] * blockSize + p % blockSize) * kvHeads + g;
            double dot = 0;
            for (int i = 0; i < headDim; i++) {
                dot += q.getAtIndex(JAVA_FLOAT_UNALIGNED, ((long) t * heads + h) * headDim + i)
                        * element(k, kvType, slot * headDim + i);
            }
            scores[p] = dot * scale;
            max = Math.max(max, scores[p]);
        }
        double sum = 0;
        for (int p = 0; p < len; p++) {
            scores[p] = Math.exp(scores[p] - max);
            sum += scores[p];
        }
        double[] out = new double[headDim];
        for (int p = 0; p < len; p++) {
            long slot = ((long) tables[t * maxBlocks + p / blockSize] * blockSize + p % blockSize) * kvHeads + g;
            for (int i = 0; i < headDim; i++) {
                out[i] += scores[p] / sum * element(v, kvType, slot * headDim + i);
            }
        }
        return out;
    }

    private static double element(MemorySegment cache, GgmlType type, long index) {
        return type == GgmlType.F16 ? Float.float16ToFloat(cache.getAtIndex(JAVA_SHORT_UNALIGNED, index))
                : cache.getAtIndex(JAVA_FLOAT_UNALIGNED, index);
    }

    private static MemorySegment cache(Arena arena, Random rnd, GgmlType type, long elems) {
        if (type == GgmlType.F32) {
            return TestData.floats(arena, rnd, elems, 2f);
        }
        MemorySegment s = arena.allocate(2 * elems, 64);
        for (long i = 0; i < elems; i++) {
            s.setAtIndex(JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(rnd.nextFloat() * 4 - 2));
        }
        return s;
    }

    /** |got - want| <= tol * max(1, |want|) element-wise. */
    static void assertClose(MemorySegment got, MemorySegment want, long n, double tol, String what) {
        for (long i = 0; i < n; i++) {
            float w = want.getAtIndex(JAVA_FLOAT_UNALIGNED, i);
            assertThat((double) got.getAtIndex(JAVA_FLOAT_UNALIGNED, i))
                    .as("%s at %d", what, i)
                    .isCloseTo(w, Offset.offset(tol * Math.max(1, Math.abs(w))));
        }
    }
}
