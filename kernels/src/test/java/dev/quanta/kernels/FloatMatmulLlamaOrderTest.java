package dev.quanta.kernels;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
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
 * F32 and F16 matmuls sum in one of llama.cpp's orders, bit for bit, written out here in plain Java, the same for
 * every token count (so a token's result does not depend on its batch). AVX-512: ggml_vec_dot's (4 x 16 lanes over
 * 64-element steps, then the tail; for F16 in double), which llama.cpp uses for one token (it sums batches in
 * tinyBLAS's order). AVX2 (F16): tinyBLAS's (one 8-lane accumulator, the tail after the reduction, fused).
 */
class FloatMatmulLlamaOrderTest {

    static List<Arguments> isaAndType() {
        List<Arguments> args = new ArrayList<>();
        for (Isa isa : NativeSupport.isas().stream().filter(i -> i.level() >= Isa.AVX2.level()).toList()) {
            for (GgmlType type : isa == Isa.AVX2 ? List.of(GgmlType.F16) : List.of(GgmlType.F16, GgmlType.F32)) {
                args.add(Arguments.of(isa, type));
            }
        }
        return args;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("isaAndType")
    void matmulSumsInOneOrderForEveryTokenCount(Isa isa, GgmlType type) {
        Random rnd = new Random(78);
        try (Arena arena = Arena.ofConfined(); NativeKernelOps ops = NativeKernelOps.withIsa(2, isa)) {
            for (int cols : new int[] {64, 172, 1000, 2048}) {
                int rows = 21;
                MemorySegment w = TestData.weights(arena, rnd, type, rows, cols);
                for (int tokens : new int[] {1, 2, 5, 9}) {
                    MemorySegment x = TestData.floats(arena, rnd, (long) tokens * cols, 2f);
                    MemorySegment got = arena.allocate(4L * tokens * rows);
                    ops.matmul(type, w, rows, cols, x, got, tokens);
                    for (int t = 0; t < tokens; t++) {
                        float[] xs = new float[cols];
                        MemorySegment.copy(x, JAVA_FLOAT_UNALIGNED, 4L * t * cols, xs, 0, cols);
                        for (int r = 0; r < rows; r++) {
                            float[] ws = new float[cols];
                            for (int i = 0; i < cols; i++) {
                                ws[i] = type == GgmlType.F16
                                        ? Float.float16ToFloat(w.getAtIndex(JAVA_SHORT_UNALIGNED, (long) r * cols + i))
                                        : w.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) r * cols + i);
                            }
                            float want = isa == Isa.AVX2 ? tinyBlas8(ws, xs) : vecDot(ws, xs, type);
                            float have = got.getAtIndex(JAVA_FLOAT_UNALIGNED, (long) t * rows + r);
                            assertThat(Float.floatToRawIntBits(have))
                                    .as("%s cols=%d tokens=%d out[%d][%d] = %s, llama.cpp %s", type, cols, tokens, t,
                                            r, have, want)
                                    .isEqualTo(Float.floatToRawIntBits(want));
                        }
                    }
                }
            }
        }
    }

    /** tinyBLAS on AVX2: one 8-lane accumulator, then llama.cpp's hsum of 8 lanes. */
    static float tinyBlas8(float[] w, float[] x) {
        float[] a = new float[8];
        int n8 = w.length & ~7;
        for (int i = 0; i < n8; i += 8) {
            for (int l = 0; l < 8; l++) {
                a[l] = Math.fma(w[i + l], x[i + l], a[l]);
            }
        }
        float sum = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
        for (int i = n8; i < w.length; i++) {
            sum = Math.fma(w[i], x[i], sum); // tinyBLAS's tail, as its compiler contracts it
        }
        return sum;
    }

    /** _mm512_reduce_add_ps as GCC computes it: halves, then quarters, then pairs. */
    static float reduce512(float[] a) {
        float[] t = new float[8];
        for (int l = 0; l < 8; l++) {
            t[l] = a[l + 8] + a[l];
        }
        float s0 = t[4] + t[0];
        float s1 = t[5] + t[1];
        float s2 = t[6] + t[2];
        float s3 = t[7] + t[3];
        return (s0 + s2) + (s1 + s3);
    }

    static float vecDot(float[] w, float[] x, GgmlType type) {
        int n = w.length;
        int np = n & ~63;
        float[][] acc = new float[4][16];
        for (int i = 0; i < np; i += 64) {
            for (int j = 0; j < 4; j++) {
                for (int l = 0; l < 16; l++) {
                    acc[j][l] = Math.fma(w[i + 16 * j + l], x[i + 16 * j + l], acc[j][l]);
                }
            }
        }
        float[] v = new float[16];
        for (int l = 0; l < 16; l++) {
            v[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
        }
        if (type == GgmlType.F16) {
            double sum = reduce512(v);
            for (int i = np; i < n; i++) {
                sum += w[i] * x[i];
            }
            return (float) sum;
        }
        float sum = reduce512(v);
        for (int i = np; i < n; i++) {
            sum += w[i] * x[i];
        }
        return sum;
    }
}
