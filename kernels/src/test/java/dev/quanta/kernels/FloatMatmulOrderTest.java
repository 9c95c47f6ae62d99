package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
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
 * Below AVX-512 a matmul of float weights keeps the summation order of the ISA's dot product, so a matmul over many
 * rows and tokens gives, bit for bit, what one dot per output gives (AVX-512 follows llama.cpp's two orders
 * instead: {@link FloatMatmulLlamaOrderTest}). Lengths with and without a tail after the last 16-element step.
 */
class FloatMatmulOrderTest {

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas().stream().filter(i -> i.level() < Isa.AVX512.level()).toList()) {
            // F16 on AVX2 follows llama.cpp's AVX2 orders instead (FloatMatmulLlamaOrderTest)
            for (GgmlType type : isa == Isa.AVX2 ? List.of(GgmlType.F32) : List.of(GgmlType.F16, GgmlType.F32)) {
                args.add(Arguments.of(isa, type));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void matmulEqualsOneDotPerOutputBitForBit(Isa isa, GgmlType type) throws Throwable {
        Random rnd = new Random(77);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int cols : new int[] {64, 172, 1000}) {
                int rows = 38;
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                long rowBytes = type.byteSize(cols);
                for (int tokens : new int[] {1, 3, 4, 9}) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(type, w, rows, cols, x, got, tokens);
                    MemorySegment one = arena.allocate(4);
                    for (int t = 0; t < tokens; t++) {
                        for (int r = 0; r < rows; r++) {
                            int rc = (int) NativeLibrary.VEC_DOT.invokeExact(isa.level(), type.id(), (long) cols,
                                    w.asSlice(r * rowBytes), x.asSlice(4L * t * cols), 4L * cols, 1, one);
                            assertThat(rc).isZero();
                            float want = one.get(JAVA_FLOAT, 0);
                            float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                            assertThat(Float.floatToRawIntBits(have))
                                    .as("%s %s cols=%d tokens=%d out[%d][%d] = %s, dot %s", type, isa, cols, tokens,
                                            t, r, have, want)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }
}
