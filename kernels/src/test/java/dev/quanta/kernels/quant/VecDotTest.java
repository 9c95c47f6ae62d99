package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VecDot#dot} against dequantize-then-dot in double: the integer block sums are exact, so the two differ
 * only by float rounding of the scales and of the running sum; and against the unquantized dot within the
 * error the two quantizations introduce.
 */
class VecDotTest {

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    static List<Arguments> typesAndLengths() {
        List<Arguments> out = new ArrayList<>();
        for (GgmlType type : QuantTestData.WEIGHT_TYPES) {
            for (int n : new int[] {32, 256, 512, 4096}) {
                if (n % type.blockSize() == 0) {
                    out.add(Arguments.of(type, n));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("typesAndLengths")
    void dotMatchesDequantizedDotWithinFloatRounding(GgmlType type, int n) {
        GgmlType actType = VecDot.activationType(type);
        float[] x = QuantTestData.gaussian(100 + n, n, 0.02);
        float[] a = QuantTestData.gaussian(200 + n, n, 1.0);
        MemorySegment w = QuantTestData.quantize(arena, type, x);
        MemorySegment act = QuantTestData.quantize(arena, actType, a);

        float dot = VecDot.dot(type, w, 0, act, 0, n);

        float[] wd = Dequantize.row(type, w, 0, n);
        float[] ad = Dequantize.row(actType, act, 0, n);
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < n; i++) {
            expected += (double) wd[i] * ad[i];
            magnitude += Math.abs((double) wd[i] * ad[i]);
        }
        double slack = 0;
        if (actType == GgmlType.Q8_1) {
            // Q8_1 carries s = d·Σq as an f16, so the min term m·s is off by up to |m·s|·2^-11 per block
            for (int b = 0; b < n / 32; b++) {
                float m = Le.half(w, (long) b * type.typeSize() + 2);
                float s = Le.half(act, (long) b * actType.typeSize() + 2);
                slack += Math.abs((double) m * s) * 0x1p-11;
            }
        }
        assertThat((double) dot).as("%s n=%d", type, n).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(2e-5 * magnitude + slack + 1e-30));
    }

    @ParameterizedTest
    @MethodSource("typesAndLengths")
    void dotApproximatesTheUnquantizedDot(GgmlType type, int n) {
        GgmlType actType = VecDot.activationType(type);
        float[] x = QuantTestData.gaussian(300 + n, n, 0.02);
        float[] a = QuantTestData.gaussian(400 + n, n, 1.0);
        float dot = VecDot.dot(type, QuantTestData.quantize(arena, type, x), 0,
                QuantTestData.quantize(arena, actType, a), 0, n);
        double exact = 0;
        double nx = 0;
        double na = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) x[i] * a[i];
            nx += (double) x[i] * x[i];
            na += (double) a[i] * a[i];
        }
        // Cauchy–Schwarz: |x'·a' - x·a| ≤ ‖x'-x‖‖a'‖ + ‖x‖‖a'-a‖ ≤ (εw(1 + εa) + εa)‖x‖‖a‖
        double ew = RoundTripTest.RMSE_BOUND.get(type);
        double ea = RoundTripTest.RMSE_BOUND.get(actType);
        double bound = (ew * (1 + ea) + ea) * Math.sqrt(nx * na) + 1e-6 * Math.sqrt(nx * na);
        assertThat(Math.abs(dot - exact)).as("%s n=%d", type, n).isLessThanOrEqualTo(bound);
    }

    @Test
    void readsRowsAtByteOffsets() {
        int n = 256;
        float[] x = QuantTestData.gaussian(5, 2 * n, 0.02);
        float[] a = QuantTestData.gaussian(6, n, 1.0);
        MemorySegment w = QuantTestData.quantize(arena, GgmlType.Q4_K, x); // two rows
        MemorySegment act = QuantTestData.quantize(arena, GgmlType.Q8_K, a);
        float[] secondRow = java.util.Arrays.copyOfRange(x, n, 2 * n);
        MemorySegment alone = QuantTestData.quantize(arena, GgmlType.Q4_K, secondRow);
        assertThat(VecDot.dot(GgmlType.Q4_K, w, GgmlType.Q4_K.byteSize(n), act, 0, n))
                .isEqualTo(VecDot.dot(GgmlType.Q4_K, alone, 0, act, 0, n));
    }

    @Test
    void activationTypesFollowGgmlsVecDotType() {
        assertThat(VecDot.activationType(GgmlType.F32)).isEqualTo(GgmlType.F32);
        assertThat(VecDot.activationType(GgmlType.F16)).isEqualTo(GgmlType.F16);
        assertThat(VecDot.activationType(GgmlType.BF16)).isEqualTo(GgmlType.BF16);
        assertThat(VecDot.activationType(GgmlType.Q4_0)).isEqualTo(GgmlType.Q8_0);
        assertThat(VecDot.activationType(GgmlType.Q5_0)).isEqualTo(GgmlType.Q8_0);
        assertThat(VecDot.activationType(GgmlType.Q8_0)).isEqualTo(GgmlType.Q8_0);
        assertThat(VecDot.activationType(GgmlType.Q4_1)).isEqualTo(GgmlType.Q8_1);
        assertThat(VecDot.activationType(GgmlType.Q5_1)).isEqualTo(GgmlType.Q8_1);
        for (GgmlType k : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            assertThat(VecDot.activationType(k)).isEqualTo(GgmlType.Q8_K);
        }
        assertThatThrownBy(() -> VecDot.activationType(GgmlType.IQ2_XS)).isInstanceOf(IllegalArgumentException.class);
    }
}
