package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.quant.Dequantize;
import dev.quanta.kernels.quant.Quantize;
import dev.quanta.kernels.quant.VecDot;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The C dot products ({@code llmk_vec_dot}, every weight type x every ISA this CPU has, tiles of 1..8 tokens)
 * against the Java reference {@link VecDot#dot} on the same activation bytes, at lengths hitting every loop path.
 */
class NativeVecDotTest {

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
    void dotMatchesJavaReferenceForEveryLengthAndTile(Isa isa, GgmlType type) throws Throwable {
        Random rnd = new Random(42 + type.id() * 31L + isa.level());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : TestData.lengths(type)) {
                int tokens = 8;
                MemorySegment w = TestData.weights(arena, rnd, type, 1, n);
                MemorySegment x = TestData.floats(arena, rnd, (long) tokens * n, 1.5f);
                GgmlType act = NativeKernelOps.activationType(type);
                long actRow = act.byteSize(n);
                MemorySegment xa = arena.allocate(actRow * tokens, 64);
                float[] xf = new float[n];
                for (int t = 0; t < tokens; t++) {
                    MemorySegment.copy(x, JAVA_FLOAT, 4L * t * n, xf, 0, n);
                    Quantize.row(act, xf, 0, xa, t * actRow, n);
                }
                float[] expected = new float[tokens];
                double[] bound = new double[tokens];
                for (int t = 0; t < tokens; t++) {
                    if (act == GgmlType.F32) {
                        MemorySegment.copy(x, JAVA_FLOAT, 4L * t * n, xf, 0, n);
                        expected[t] = JavaKernelOps.floatDot(type, w, 0, xf, n);
                    } else {
                        expected[t] = VecDot.dot(type, w, 0, xa, t * actRow, n);
                    }
                    float[] xd = Dequantize.row(act, xa, t * actRow, n);
                    float[] wd = Dequantize.row(type, w, 0, n);
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += Math.abs((double) wd[i] * xd[i]);
                    }
                    // float accumulation in another order: a few ulps of the magnitude of the terms
                    bound[t] = 2e-6 * s + 1e-6;
                }
                for (int nt = 1; nt <= tokens; nt++) {
                    MemorySegment out = arena.allocate(4L * nt);
                    int rc = (int) NativeLibrary.VEC_DOT.invokeExact(isa.level(), type.id(), (long) n, w, xa,
                            actRow, nt, out);
                    assertThat(rc).isZero();
                    for (int t = 0; t < nt; t++) {
                        float got = out.getAtIndex(JAVA_FLOAT, t);
                        assertThat((double) got)
                                .as("%s %s n=%d tile=%d token=%d", type, isa, n, nt, t)
                                .isCloseTo(expected[t], org.assertj.core.data.Offset.offset(bound[t]));
                    }
                }
            }
        }
    }

    /**
     * The quantized dots of llmk_quant_tiles.inc give the same integers on AVX2 and AVX-512 VNNI (maddubs never
     * saturates for their value ranges; the 512-bit scaled sums fold to the 256-bit lanes) and the same float steps,
     * so the two levels agree bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void avx2AndAvx512GiveTheSameBits(GgmlType type) throws Throwable {
        Assumptions.assumeTrue(NativeSupport.isas().contains(Isa.AVX512), "no AVX-512 on this CPU");
        Random rnd = new Random(7 + type.id());
        try (Arena arena = Arena.ofConfined()) {
            for (int n : TestData.lengths(type)) {
                int tokens = 8;
                MemorySegment w = TestData.weights(arena, rnd, type, 1, n);
                GgmlType act = NativeKernelOps.activationType(type);
                long actRow = act.byteSize(n);
                MemorySegment xa = arena.allocate(actRow * tokens, 64);
                float[] xf = new float[n];
                for (int t = 0; t < tokens; t++) {
                    for (int i = 0; i < n; i++) {
                        xf[i] = (rnd.nextFloat() * 2 - 1) * 1.5f;
                    }
                    Quantize.row(act, xf, 0, xa, t * actRow, n);
                }
                for (int nt = 1; nt <= tokens; nt++) {
                    MemorySegment a = arena.allocate(4L * nt);
                    MemorySegment b = arena.allocate(4L * nt);
                    assertThat((int) NativeLibrary.VEC_DOT.invokeExact(Isa.AVX2.level(), type.id(), (long) n, w, xa,
                            actRow, nt, a)).isZero();
                    assertThat((int) NativeLibrary.VEC_DOT.invokeExact(Isa.AVX512.level(), type.id(), (long) n, w,
                            xa, actRow, nt, b)).isZero();
                    for (int t = 0; t < nt; t++) {
                        assertThat(Float.floatToRawIntBits(b.getAtIndex(JAVA_FLOAT, t)))
                                .as("%s n=%d tile=%d token=%d", type, n, nt, t)
                                .isEqualTo(Float.floatToRawIntBits(a.getAtIndex(JAVA_FLOAT, t)));
                    }
                }
            }
        }
    }
}
