package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Quantize → dequantize on seeded normal data stays within each format's error bound. */
class RoundTripTest {

    /**
     * Relative RMSE bounds, sqrt(Σ(x - x')² / Σx²), on N(0, 0.02²) data: measured worst over 20 seeds × 4096
     * values plus about 10% headroom. They order the formats as their bits per weight say they should.
     */
    static final Map<GgmlType, Double> RMSE_BOUND = Map.ofEntries(
            Map.entry(GgmlType.F32, 0.0),
            Map.entry(GgmlType.F16, 0.0004),
            Map.entry(GgmlType.BF16, 0.0025),
            Map.entry(GgmlType.Q8_0, 0.0065),
            Map.entry(GgmlType.Q8_1, 0.0065),
            Map.entry(GgmlType.Q8_K, 0.0085),
            Map.entry(GgmlType.Q6_K, 0.020),
            Map.entry(GgmlType.Q5_K, 0.040),
            Map.entry(GgmlType.Q5_1, 0.045),
            Map.entry(GgmlType.Q5_0, 0.050),
            Map.entry(GgmlType.Q4_K, 0.080),
            Map.entry(GgmlType.Q4_1, 0.095),
            Map.entry(GgmlType.Q4_0, 0.100),
            Map.entry(GgmlType.Q3_K, 0.170),
            Map.entry(GgmlType.Q2_K, 0.330));

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    static Stream<GgmlType> quantizableTypes() {
        return RMSE_BOUND.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("quantizableTypes")
    void normalDataRoundTripsWithinTheFormatsRmseBound(GgmlType type) {
        for (long seed = 1; seed <= 5; seed++) {
            float[] x = QuantTestData.gaussian(seed, 4096, 0.02);
            float[] y = QuantTestData.roundTrip(arena, type, x);
            assertThat(QuantTestData.relativeRmse(x, y)).as("%s seed %d", type, seed)
                    .isLessThanOrEqualTo(RMSE_BOUND.get(type));
        }
    }

    @ParameterizedTest
    @MethodSource("quantizableTypes")
    void errorIsScaleInvariant(GgmlType type) {
        // the same data ×5000 (std 100) must round trip as well as at std 0.02: no absolute epsilons inside
        float[] x = QuantTestData.gaussian(7, 1024, 100);
        float[] y = QuantTestData.roundTrip(arena, type, x);
        assertThat(QuantTestData.relativeRmse(x, y)).isLessThanOrEqualTo(RMSE_BOUND.get(type));
    }

    @ParameterizedTest
    @MethodSource("quantizableTypes")
    void zerosRoundTripToZeros(GgmlType type) {
        float[] y = QuantTestData.roundTrip(arena, type, new float[512]);
        for (float v : y) {
            assertThat(Math.abs(v)).as("%s", type).isEqualTo(0f);
        }
    }

    @ParameterizedTest
    @MethodSource("quantizableTypes")
    void quantizationIsDeterministicAndTheSegmentSourceOverloadAgrees(GgmlType type) {
        float[] x = QuantTestData.gaussian(11, 1024, 0.5);
        MemorySegment a = QuantTestData.quantize(arena, type, x);
        MemorySegment b = QuantTestData.quantize(arena, type, x);
        MemorySegment src = arena.allocate(4L * x.length);
        MemorySegment.copy(x, 0, src, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                x.length);
        MemorySegment c = arena.allocate(type.byteSize(x.length));
        Quantize.row(type, src, 0, c, 0, x.length);
        assertThat(a.mismatch(b)).isEqualTo(-1L);
        assertThat(a.mismatch(c)).isEqualTo(-1L);
    }

    @Test
    void legacyFormatsStayWithinHalfAStepPerElement() {
        float[] x = QuantTestData.gaussian(3, 4096, 1.0);
        // per 32-block: symmetric types err ≤ amax · (1/(2·levels) + clamp/f16 slack); asymmetric ≤ range/(2·steps)
        assertPerBlock(GgmlType.Q8_0, x, 1.0 / 254 + 0x1p-10, false);
        assertPerBlock(GgmlType.Q5_0, x, 1.0 / 16 + 0x1p-8, false);
        assertPerBlock(GgmlType.Q4_0, x, 1.0 / 8 + 0x1p-8, false);
        assertPerBlock(GgmlType.Q5_1, x, 1.0 / 62 + 0x1p-8, true);
        assertPerBlock(GgmlType.Q4_1, x, 1.0 / 30 + 0x1p-8, true);
    }

    private void assertPerBlock(GgmlType type, float[] x, double rel, boolean ofRange) {
        float[] y = QuantTestData.roundTrip(arena, type, x);
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0f;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                float v = x[32 * b + j];
                amax = Math.max(amax, Math.abs(v));
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double bound = (ofRange ? (max - min) : amax) * rel + amax * 0x1p-10;
            for (int j = 0; j < 32; j++) {
                int i = 32 * b + j;
                assertThat((double) Math.abs(x[i] - y[i])).as("%s element %d", type, i).isLessThanOrEqualTo(bound);
            }
        }
    }

    @Test
    void rejectsPartialBlocksAndUnsupportedTypes() {
        MemorySegment out = arena.allocate(1024);
        assertThatThrownBy(() -> Quantize.row(GgmlType.Q4_K, new float[128], 0, out, 0, 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128 elements");
        assertThatThrownBy(() -> Quantize.row(GgmlType.IQ2_XXS, new float[256], 0, out, 0, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ2_XXS");
        assertThat(Quantize.supports(GgmlType.Q8_K)).isTrue();
        assertThat(Quantize.supports(GgmlType.IQ4_XS)).isFalse();
    }
}
