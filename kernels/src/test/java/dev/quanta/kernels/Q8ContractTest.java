package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The x86 one-token Q8_0 x Q8_0 matmul must give llama.cpp's x86 result bit for bit (the engine reproduces its
 * logits on Q8_0 models), so this compares it with {@code assertEquals} on floats against a plain Java model of
 * that arithmetic ({@link #contractDot}): one 8-lane float accumulator; for each block in order,
 * {@code acc = fma(dx * dy, (float) laneSum, acc)} with {@code dx * dy} a float product of the two f16 scales and
 * lane j holding the integer sum of the products of elements 4j .. 4j+3; then llama.cpp's 8-lane horizontal sum.
 * Any other order (two accumulators, {@code (p * dy) * dx}, ...) changes the last bits and fails here.
 */
class Q8ContractTest {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 34;

    static List<Isa> x86Isas() {
        return NativeSupport.isas().stream().filter(i -> i != Isa.SCALAR).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("x86Isas")
    void oneTokenMatmulFollowsTheContractBitForBit(Isa isa) throws Throwable {
        Random rnd = new Random(20251121);
        try (Arena arena = Arena.ofConfined()) {
            for (int nb : new int[] {1, 2, 3, 4, 5, 7, 8, 13, 64, 257, 1030}) { // 1030: dy scratch on the heap
                int cols = nb * BLOCK;
                for (int rows : new int[] {1, 3, 4, 5, 9, 37}) {
                    MemorySegment w = randomQ8(arena, rnd, rows, nb);
                    MemorySegment x = randomQ8(arena, rnd, 1, nb);
                    MemorySegment out = arena.allocate(4L * rows, 64);
                    // whole matrix, then a range starting at an odd row (the kernel steps several rows at once)
                    for (int[] range : new int[][] {{0, rows}, {rows / 2, rows}, {1, Math.max(1, rows - 1)}}) {
                        out.fill((byte) 0x7f);
                        int rc = (int) NativeLibrary.MATMUL.invokeExact(isa.level(), GgmlType.Q8_0.id(),
                                w.address(), (long) rows, (long) cols, x.address(), 1, out.address(),
                                (long) range[0], (long) range[1]);
                        assertThat(rc).isZero();
                        for (int r = range[0]; r < range[1]; r++) {
                            float want = contractDot(w, (long) r * nb * BLOCK_BYTES, x, 0, nb);
                            assertEquals(want, out.getAtIndex(JAVA_FLOAT, r),
                                    isa + " nb=" + nb + " rows=" + rows + " row " + r);
                        }
                    }
                }
            }
        }
    }

    /** The same through {@link NativeKernelOps#matmul} (activation quantizer, row chunks over two threads). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("x86Isas")
    void kernelOpsMatmulFollowsTheContract(Isa isa) throws Throwable {
        Random rnd = new Random(7);
        int rows = 523;
        int nb = 128;
        int cols = nb * BLOCK;
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            MemorySegment w = randomQ8(arena, rnd, rows, nb);
            MemorySegment x = TestData.floats(arena, rnd, cols, 3f);
            MemorySegment out = arena.allocate(4L * rows, 64);
            ops.matmul(GgmlType.Q8_0, w, rows, cols, x, out, 1);
            MemorySegment xa = arena.allocate((long) nb * BLOCK_BYTES, 64);
            int rc = (int) NativeLibrary.QUANTIZE_ROWS.invokeExact(isa.level(), GgmlType.Q8_0.id(), x, xa,
                    (long) cols, 1L);
            assertThat(rc).isZero();
            for (int r = 0; r < rows; r++) {
                assertEquals(contractDot(w, (long) r * nb * BLOCK_BYTES, xa, 0, nb), out.getAtIndex(JAVA_FLOAT, r),
                        isa + " row " + r);
            }
        }
    }

    /** llama.cpp's x86 Q8_0 x Q8_0 dot, operation for operation. */
    static float contractDot(MemorySegment w, long wOff, MemorySegment x, long xOff, int nb) {
        float[] acc = new float[8];
        for (int b = 0; b < nb; b++) {
            long wb = wOff + (long) b * BLOCK_BYTES;
            long xb = xOff + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(w.get(JAVA_SHORT_UNALIGNED, wb))
                    * Float.float16ToFloat(x.get(JAVA_SHORT_UNALIGNED, xb));
            for (int j = 0; j < 8; j++) {
                int sum = 0;
                for (int e = 4 * j; e < 4 * j + 4; e++) {
                    sum += w.get(JAVA_BYTE, wb + 2 + e) * x.get(JAVA_BYTE, xb + 2 + e);
                }
                acc[j] = Math.fma(d, (float) sum, acc[j]);
            }
        }
        // hsum_float_8: low half + high half, then (0 + 2, 1 + 3), then the two
        float s0 = acc[0] + acc[4];
        float s1 = acc[1] + acc[5];
        float s2 = acc[2] + acc[6];
        float s3 = acc[3] + acc[7];
        return (s0 + s2) + (s1 + s3);
    }

    /** rows x nb Q8_0 blocks: scales of either sign over a few binades, quants in -127..127 (as quantizers give). */
    private static MemorySegment randomQ8(Arena arena, Random rnd, int rows, int nb) {
        Assumptions.assumeTrue(BLOCK_BYTES == GgmlType.Q8_0.byteSize(BLOCK));
        MemorySegment s = arena.allocate((long) rows * nb * BLOCK_BYTES, 64);
        for (long b = 0; b < (long) rows * nb; b++) {
            long o = b * BLOCK_BYTES;
            float scale = (rnd.nextFloat() * 2 - 1) * (float) Math.scalb(1.0, -rnd.nextInt(8));
            s.set(JAVA_SHORT_UNALIGNED, o, Float.floatToFloat16(scale));
            for (int e = 0; e < BLOCK; e++) {
                s.set(JAVA_BYTE, o + 2 + e, (byte) (rnd.nextInt(255) - 127));
            }
        }
        return s;
    }
}
