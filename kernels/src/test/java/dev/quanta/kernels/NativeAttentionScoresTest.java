package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native paged attention keeps the softmax's running maximum exactly as the one-position loop of the reference
 * does, on score sequences chosen to stress it: ties, a maximum rising at every position,
 * falling, a NaN score, infinite scores, all scores −∞, and block sizes that do not divide the kernels' 16-position
 * chunks (the kernels walk the block table incrementally and prefetch the next chunk's rows).
 */
class NativeAttentionScoresTest {

    static List<Isa> isas() {
        return NativeSupport.isas();
    }

    /** Score patterns by position p of 70: the value every element of K's row p takes (q is all ones). */
    private static final List<IntToDoubleFunction> PATTERNS = List.of(
            p -> 0.25,                                       // all tied
            p -> p * 0.01,                                   // rising everywhere: every position raises the max
            p -> -p * 0.01,                                  // falling: only the first raises it
            p -> (p % 16 == 15) ? 1.0 : (p % 3) * 0.1,        // ties with the chunk's last position
            p -> p == 20 ? Double.NaN : Math.sin(p),          // one NaN score (its chunk takes the scalar loop)
            p -> p == 33 ? Double.POSITIVE_INFINITY : p == 50 ? Double.NEGATIVE_INFINITY : Math.cos(p),
            p -> Double.NEGATIVE_INFINITY,                    // every score -inf (weights NaN: as the reference)
            p -> p < 40 ? -0.0 : 0.0);                       // signed zeros

    @ParameterizedTest
    @MethodSource("isas")
    void runningMaximumEqualsTheReferenceOnTiesRisesNansInfinitiesAndOddBlockSizes(Isa isa) {
        int heads = 6;
        int kvHeads = 2;
        int headDim = 64;
        int len = 70;
        for (GgmlType kvType : new GgmlType[] {GgmlType.F16, GgmlType.F32}) {
            for (int blockSize : new int[] {1, 5, 16, 32}) {
                for (int pattern = 0; pattern < PATTERNS.size(); pattern++) {
                    check(isa, kvType, blockSize, pattern, heads, kvHeads, headDim, len);
                }
            }
        }
    }

    private static void check(Isa isa, GgmlType kvType, int blockSize, int pattern, int heads, int kvHeads,
            int headDim, int len) {
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            int maxBlocks = (len + blockSize - 1) / blockSize;
            int numBlocks = maxBlocks + 3;
            int[] table = new int[maxBlocks];
            for (int b = 0; b < maxBlocks; b++) {
                table[b] = (b * 7 + 2) % numBlocks; // scattered; each block once, as checked below
            }
            assertThat(Arrays.stream(table).distinct().count()).isEqualTo(maxBlocks);
            long elems = (long) numBlocks * blockSize * kvHeads * headDim;
            int bytes = kvType == GgmlType.F16 ? 2 : 4;
            MemorySegment k = arena.allocate(bytes * elems, 64);
            MemorySegment v = arena.allocate(bytes * elems, 64);
            IntToDoubleFunction score = PATTERNS.get(pattern);
            for (int p = 0; p < len; p++) {
                long slot = (long) table[p / blockSize] * blockSize + p % blockSize;
                for (int g = 0; g < kvHeads; g++) {
                    // q is all ones and scale 1 / headDim, so group g's score at p is this value: the pattern's + g / 8
                    float kv = (float) (score.applyAsDouble(p) + g / 8.0);
                    for (int d = 0; d < headDim; d++) {
                        long i = (slot * kvHeads + g) * headDim + d;
                        put(k, kvType, i, kv);
                        put(v, kvType, i, (float) Math.cos(p * 0.3 + d * 0.1 + g));
                    }
                }
            }
            // queries at 1, 16, 17, 69 and 70 positions of the one sequence
            int[] lens = {1, 16, 17, 69, 70};
            int queries = lens.length;
            MemorySegment q = arena.allocate(4L * queries * heads * headDim, 64);
            for (long i = 0; i < (long) queries * heads * headDim; i++) {
                q.setAtIndex(JAVA_FLOAT_UNALIGNED, i, 1f);
            }
            MemorySegment got = arena.allocate(4L * queries * heads * headDim);
            MemorySegment want = arena.allocate(4L * queries * heads * headDim);
            float scale = 1f / headDim;
            MemorySegment tables = TestData.ints(arena, table);
            MemorySegment seqOf = TestData.ints(arena, new int[queries]);
            MemorySegment seqLens = TestData.ints(arena, lens);
            ops.attention(got, q, queries, heads, kvHeads, headDim, k, v, kvType, blockSize, tables, 1, maxBlocks,
                    seqOf, seqLens, scale);
            new JavaKernelOps(isa).attention(want, q, queries, heads, kvHeads, headDim, k, v, kvType, blockSize,
                    tables, 1, maxBlocks, seqOf, seqLens, scale);
            for (long i = 0; i < (long) queries * heads * headDim; i++) {
                // floatToIntBits: one NaN for every NaN payload (the two may carry different ones)
                assertThat(Float.floatToIntBits(got.getAtIndex(JAVA_FLOAT_UNALIGNED, i)))
                        .as("%s %s block size %d pattern %d at %d", isa, kvType, blockSize, pattern, i)
                        .isEqualTo(Float.floatToIntBits(want.getAtIndex(JAVA_FLOAT_UNALIGNED, i)));
            }
        }
    }

    private static void put(MemorySegment cache, GgmlType type, long index, float x) {
        if (type == GgmlType.F16) {
            cache.setAtIndex(JAVA_SHORT_UNALIGNED, index, Float.floatToFloat16(x));
        } else {
            cache.setAtIndex(JAVA_FLOAT_UNALIGNED, index, x);
        }
    }
}
