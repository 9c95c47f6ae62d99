package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Quantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Activation quantization in C is bit-identical to the Java reference (ggml's rounding) on every ISA. */
class NativeQuantizeTest {

    static List<Arguments> isaAndActivationType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas()) {
            for (GgmlType type : List.of(GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K)) {
                args.add(Arguments.of(isa, type));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndActivationType")
    void quantizedBytesEqualJavaReference(Isa isa, GgmlType type) throws Throwable {
        Random rnd = new Random(7 + type.id());
        try (Arena arena = Arena.ofConfined()) {
            for (int blocks : new int[] {1, 2, 3, 8, 9, 16}) {
                int n = blocks * type.blockSize();
                int rows = 3;
                MemorySegment x = TestData.floats(arena, rnd, (long) rows * n, 3f);
                // exact halves and ties after scaling: x = k / 2 with amax 63.5 gives id = 2
                for (int i = 0; i < type.blockSize(); i++) {
                    x.setAtIndex(JAVA_FLOAT, i, (i % 2 == 0 ? -1 : 1) * (i * 127 % 128) / 2f);
                }
                long rowBytes = type.byteSize(n);
                MemorySegment got = arena.allocate(rowBytes * rows);
                int rc = (int) NativeLibrary.QUANTIZE_ROWS.invokeExact(isa.level(), type.id(), x, got, (long) n,
                        (long) rows);
                assertThat(rc).isZero();
                MemorySegment want = arena.allocate(rowBytes * rows);
                float[] xf = new float[n];
                for (int r = 0; r < rows; r++) {
                    MemorySegment.copy(x, JAVA_FLOAT, 4L * r * n, xf, 0, n);
                    Quantize.activationRow(type, xf, 0, want, r * rowBytes, n);
                }
                assertThat(got.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                        .as("%s on %s, %d elements", type, isa, n)
                        .isEqualTo(want.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
        }
    }
}
