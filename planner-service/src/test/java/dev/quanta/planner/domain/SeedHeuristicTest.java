package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SeedHeuristicTest {

    private static final Map<String, Double> FP16_GB = Map.of(
            "llama-7b", 14.0, "llama-13b", 26.0, "llama-70b", 140.0, "qwen-7b", 14.0, "qwen-72b", 144.0);

    /** All 30 pairs of the five seed models × six seed GPUs, worked out by hand from the seed rule. */
    @ParameterizedTest(name = "{0} on {1} → {2} {3} bits, {4} GB, min {5} GB, {6} tok/s")
    @CsvSource({
        "llama-7b,  A100-80GB,    FP16,     16, 14.0,  16.8,  100",
        "llama-7b,  A100-40GB,    FP16,     16, 14.0,  16.8,   50",
        "llama-7b,  H100-80GB,    FP16,     16, 14.0,  16.8,  150",
        "llama-7b,  L40S-48GB,    FP16,     16, 14.0,  16.8,   80",
        "llama-7b,  RTX4090-24GB, FP16,     16, 14.0,  16.8,   70",
        "llama-7b,  T4-16GB,      INT8,      8,  7.0,   8.4,   39",
        "llama-13b, A100-80GB,    FP16,     16, 26.0,  31.2,  100",
        "llama-13b, A100-40GB,    FP16,     16, 26.0,  31.2,   50",
        "llama-13b, H100-80GB,    FP16,     16, 26.0,  31.2,  150",
        "llama-13b, L40S-48GB,    FP16,     16, 26.0,  31.2,   80",
        "llama-13b, RTX4090-24GB, INT8,      8, 13.0,  15.6,   91",
        "llama-13b, T4-16GB,      INT8,      8, 13.0,  15.6,   39",
        "llama-70b, A100-80GB,    INT4_AWQ,  4, 35.0,  42.0,  180",
        "llama-70b, A100-40GB,    GGUF,      3, 26.25, 31.5,   40",
        "llama-70b, H100-80GB,    INT4_AWQ,  4, 35.0,  42.0,  270",
        "llama-70b, L40S-48GB,    INT4_AWQ,  4, 35.0,  42.0,  144",
        "llama-70b, RTX4090-24GB, GGUF,      3, 26.25, 31.5,   56",
        "llama-70b, T4-16GB,      GGUF,      3, 26.25, 31.5,   24",
        "qwen-7b,   A100-80GB,    FP16,     16, 14.0,  16.8,  100",
        "qwen-7b,   A100-40GB,    FP16,     16, 14.0,  16.8,   50",
        "qwen-7b,   H100-80GB,    FP16,     16, 14.0,  16.8,  150",
        "qwen-7b,   L40S-48GB,    FP16,     16, 14.0,  16.8,   80",
        "qwen-7b,   RTX4090-24GB, FP16,     16, 14.0,  16.8,   70",
        "qwen-7b,   T4-16GB,      INT8,      8,  7.0,   8.4,   39",
        "qwen-72b,  A100-80GB,    INT4_AWQ,  4, 36.0,  43.2,  180",
        "qwen-72b,  A100-40GB,    GGUF,      3, 27.0,  32.4,   40",
        "qwen-72b,  H100-80GB,    INT4_AWQ,  4, 36.0,  43.2,  270",
        "qwen-72b,  L40S-48GB,    INT4_AWQ,  4, 36.0,  43.2,  144",
        "qwen-72b,  RTX4090-24GB, GGUF,      3, 27.0,  32.4,   56",
        "qwen-72b,  T4-16GB,      GGUF,      3, 27.0,  32.4,   24",
    })
    void reproducesTheSeedRuleForEverySeedModelAndGpu(String model, String gpu, String method, int bits,
            double estimated, double min, int tokens) {
        HeuristicEstimate e = SeedHeuristic.estimate(FP16_GB.get(model), gpu, -1);

        assertThat(e.method()).isEqualTo(method);
        assertThat(e.bits()).isEqualTo(bits);
        assertThat(e.estimatedMemoryGb()).isCloseTo(estimated, within(1e-9));
        assertThat(e.minGpuMemoryGb()).isCloseTo(min, within(1e-9));
        assertThat(e.tokensPerSecond()).isEqualTo(tokens);
        assertThat(e.gpuMemoryGb()).isEqualTo(SeedHeuristic.GPU_MEMORY_GB.get(gpu));
    }

    @Test
    void keepsTheSeedsDoubleArithmeticBitForBit() {
        HeuristicEstimate e = SeedHeuristic.estimate(144, "L40S-48GB", 48);

        // Python: 144 * 4 / 16 * 1.2 == 43.199999999999996
        assertThat(e.minGpuMemoryGb()).isEqualTo(43.199999999999996);
        // Python: int(70 * 1.3) == 91 although 70 * 1.3 == 91.00000000000001
        assertThat(SeedHeuristic.estimateThroughput(HeuristicMethod.INT8, "RTX4090-24GB")).isEqualTo(91);
    }

    @Test
    void boundaryIsInclusiveAtExactlyTwentyPercentHeadroom() {
        // 20 × 1.2 = 24.0 exactly ≤ 24 → FP16
        assertThat(SeedHeuristic.recommendQuant(20, 24)).isEqualTo(HeuristicMethod.FP16);
        assertThat(SeedHeuristic.recommendQuant(20.01, 24)).isEqualTo(HeuristicMethod.INT8);
    }

    @Test
    void quantConfigCarriesTheSeedsFixedSettings() {
        QuantConfig c = QuantConfig.of(HeuristicMethod.INT4_AWQ);

        assertThat(c.groupSize()).isEqualTo(128);
        assertThat(c.descAct()).isFalse();
        assertThat(c.useExllama()).isTrue();
        assertThat(c.memoryRatio()).isEqualTo(0.125);
        assertThat(QuantConfig.of(HeuristicMethod.GGUF).memoryRatio()).isEqualTo(3 / 32.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"H200", "L4", "A10G", "MI300X"})
    void gpusOutsideTheSeedTableUseBaseFiftyAndTheirInventoryMemory(String gpu) {
        HeuristicEstimate e = SeedHeuristic.estimate(14, gpu, 141);

        assertThat(e.gpuMemoryGb()).isEqualTo(141);
        assertThat(e.method()).isEqualTo("FP16");
        assertThat(e.tokensPerSecond()).isEqualTo(50);
    }

    @Test
    void gptqMultiplierIsKeptEvenThoughTheRuleNeverPicksIt() {
        assertThat(SeedHeuristic.estimateThroughput(HeuristicMethod.INT4_GPTQ, "H100-80GB")).isEqualTo(225);
        assertThat(SeedHeuristic.estimateThroughput(HeuristicMethod.GGUF, "RTX4090-24GB")).isEqualTo(56);
    }
}
