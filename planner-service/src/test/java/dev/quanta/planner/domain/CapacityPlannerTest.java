package dev.quanta.planner.domain;

import static dev.quanta.planner.domain.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {

    private final CapacityPlanner planner = new CapacityPlanner(PlannerAssumptions.DEFAULTS);

    private static MethodPlan method(HardwarePlan plan, PlanMethod method) {
        return plan.methods().stream().filter(m -> m.method() == method).findFirst().orElseThrow();
    }

    @Test
    void kvBytesPerTokenOfLlama3_8bIs131072() {
        assertThat(KvCache.bytesPerToken(32, 8, 128, 2)).isEqualTo(131_072);
        HardwarePlan plan = planner.plan(LLAMA3_8B, H100, new PlanOptions(8192, 1, null));
        assertThat(method(plan, PlanMethod.FP16).kvBytesPerToken()).isEqualTo(131_072);
    }

    @Test
    void kvBytesPerTokenOfQwen72bIs327680() {
        assertThat(KvCache.bytesPerToken(80, 8, 128, 2)).isEqualTo(327_680);
        HardwarePlan plan = planner.plan(QWEN_72B, L40S, new PlanOptions(8192, 1, null));
        assertThat(plan.methods()).allSatisfy(m -> assertThat(m.kvBytesPerToken()).isEqualTo(327_680));
    }

    @Test
    void kvHeadsSplitAcrossGpusAndReplicateWhenFewerThanGpus() {
        assertThat(KvCache.bytesPerTokenPerGpu(80, 8, 128, 2, 4)).isEqualTo(81_920);
        assertThat(KvCache.bytesPerTokenPerGpu(80, 8, 128, 2, 16)).isEqualTo(40_960);
    }

    @Test
    void qwen72bFp16NeedsFourL40sWithTenSequencesOf8192Tokens() {
        HardwarePlan plan = planner.plan(QWEN_72B, L40S, new PlanOptions(8192, 8, null));
        MethodPlan fp16 = method(plan, PlanMethod.FP16);

        assertThat(fp16.weightsGb()).isEqualTo(144.0);
        assertThat(fp16.fitsOnOneGpu()).isFalse();
        assertThat(fp16.tensorParallel()).isEqualTo(4);
        assertThat(fp16.perGpuWeightsGb()).isEqualTo(36.0);
        // (0.9 × 48 − 36) GB / (8192 × 81,920 bytes) = 10.7
        assertThat(fp16.maxConcurrentSequences()).isEqualTo(10);
        assertThat(fp16.effectiveBatch()).isEqualTo(8);
    }

    @Test
    void qwen72bOnL40sRecommendsAwqOnOneGpuLikeTheHeuristic() {
        HardwarePlan plan = planner.plan(QWEN_72B, L40S, new PlanOptions(8192, 8, null));

        assertThat(plan.heuristic().method()).isEqualTo("INT4_AWQ");
        assertThat(method(plan, PlanMethod.INT4_AWQ).weightsGb()).isEqualTo(38.25);
        assertThat(method(plan, PlanMethod.INT4_AWQ).tensorParallel()).isEqualTo(1);
        assertThat(method(plan, PlanMethod.Q4_K_M).tensorParallel()).isEqualTo(2);
        Recommendation r = plan.recommendation();
        assertThat(r.method()).isEqualTo(PlanMethod.INT4_AWQ);
        assertThat(r.gpuCount()).isEqualTo(1);
        assertThat(r.reasons()).anyMatch(s -> s.contains("only 1 of 8 requested"));
        // Q6_K on 2 × L40S: (43.2 − 29.53) GB / (8192 × 163,840 bytes) = 10 sequences
        assertThat(r.reasons()).anyMatch(s -> s.contains("to hold all 8 sequences: GGUF Q6_K on 2"));
        assertThat(r.framework()).contains("tensor parallel");
    }

    @Test
    void qualityLimitMovesTheRecommendationToTwoGpusAndQ8() {
        HardwarePlan plan = planner.plan(QWEN_72B, L40S, new PlanOptions(8192, 8, 2.0));

        Recommendation r = plan.recommendation();
        assertThat(r.method()).isEqualTo(PlanMethod.Q8_0);
        assertThat(r.gpuCount()).isEqualTo(2);
        assertThat(r.qualityLossPercent()).isLessThanOrEqualTo(2.0);
        assertThat(r.reasons()).anyMatch(s -> s.contains("excluded by max_quality_loss"));
        assertThat(method(plan, PlanMethod.INT4_AWQ).withinQualityLimit()).isFalse();
    }

    @Test
    void decodeAtBatchOneIsEffectiveBandwidthOverBytesReadPerToken() {
        HardwarePlan plan = planner.plan(LLAMA_7B, A100_80, new PlanOptions(4096, 1, null));
        MethodPlan fp16 = method(plan, PlanMethod.FP16);

        // 2039 GB/s × 0.8 ÷ (14 GB + 4096 × 524,288 bytes)
        double expected = 2039e9 * 0.8 / (14e9 + 4096.0 * 524_288);
        assertThat(fp16.decodeTokensPerSecondBatch1()).isCloseTo(expected, within(0.001));
        assertThat(fp16.derivation()).containsKeys("weightsGb", "kvBytesPerToken", "decodeTokensPerSecondBatch1",
                "prefillTokensPerSecond", "maxConcurrentSequences", "costPerMillionTokens", "qualityLossPercent");
    }

    @Test
    void batchingRaisesAggregateDecodeUntilComputeBound() {
        double single = CapacityPlanner.decodeRate(1, 14e9, 1e8, 1e12, 14e9, 1e14);
        double eight = CapacityPlanner.decodeRate(8, 14e9, 1e8, 1e12, 14e9, 1e14);
        double huge = CapacityPlanner.decodeRate(100_000, 14e9, 0, 1e12, 14e9, 1e14);

        assertThat(eight).isGreaterThan(single * 7);
        assertThat(huge).isCloseTo(1e14 / 14e9, within(1e-6));
    }

    @Test
    void prefillIsComputeBoundOnTheMethodsMath() {
        PlanOptions options = new PlanOptions(1, 1, null);
        HardwarePlan plan = planner.plan(LLAMA_7B, H100, options);
        double fp16 = method(plan, PlanMethod.FP16).prefillTokensPerSecond();
        double fp8 = method(plan, PlanMethod.FP8).prefillTokensPerSecond();

        // 989 TFLOPS × 0.5 ÷ (2 × 7e9 + 2 × 32 × 1 × 4096)
        assertThat(fp16).isCloseTo(989e12 * 0.5 / (14e9 + 2.0 * 32 * 4096), within(0.01));
        assertThat(fp8 / fp16).isCloseTo(1979.0 / 989.0, within(1e-3));
    }

    @Test
    void costPerMillionTokensFollowsPriceAndThroughput() {
        HardwarePlan plan = planner.plan(LLAMA_7B, L40S, new PlanOptions(4096, 4, null));
        MethodPlan q4 = method(plan, PlanMethod.Q4_K_M);

        double expected = 1.0 * q4.tensorParallel() / 3600 / q4.decodeTokensPerSecond() * 1e6;
        assertThat(q4.costPerMillionTokens()).isCloseTo(expected, within(0.01));
        HardwarePlan unpriced = planner.plan(LLAMA_7B, A10G, new PlanOptions(4096, 4, null));
        assertThat(method(unpriced, PlanMethod.Q4_K_M).costPerMillionTokens()).isNull();
    }

    @Test
    void fp8IsPlannedOnlyWhereTheGpuHasFp8Math() {
        assertThat(planner.plan(LLAMA_7B, A100_80, new PlanOptions(4096, 1, null)).methods())
                .noneMatch(m -> m.method() == PlanMethod.FP8);
        assertThat(planner.plan(LLAMA_7B, H100, new PlanOptions(4096, 1, null)).methods())
                .anyMatch(m -> m.method() == PlanMethod.FP8);
        assertThat(planner.plan(LLAMA_7B, H100, new PlanOptions(4096, 1, null)).methods()).hasSize(11);
    }

    @Test
    void cpuNodesArePlannedWithGgufOnlyOnOneNodeWithoutTheHeuristic() {
        HardwarePlan plan = planner.plan(LLAMA_70B, EPYC, new PlanOptions(4096, 1, null));

        assertThat(plan.heuristic()).isNull();
        assertThat(plan.methods()).extracting(MethodPlan::method).containsExactly(PlanMethod.Q8_0, PlanMethod.Q6_K,
                PlanMethod.Q5_K_M, PlanMethod.Q4_K_M, PlanMethod.Q3_K_M, PlanMethod.Q2_K);
        assertThat(plan.methods()).allSatisfy(m -> assertThat(m.tensorParallel()).isEqualTo(1));
        assertThat(plan.recommendation().method()).isEqualTo(PlanMethod.Q8_0);
        assertThat(plan.recommendation().framework()).contains("CPU worker");
    }

    @Test
    void nothingFitsWhenNoGpuIsAvailable() {
        GpuSpec none = Fixtures.gpu("L40S-48GB", 48, 864, 362, 733.0, 733.0, 1.0, 0);
        HardwarePlan plan = planner.plan(LLAMA_7B, none, new PlanOptions(4096, 1, null));

        assertThat(plan.methods()).noneMatch(MethodPlan::fits);
        assertThat(plan.recommendation().method()).isNull();
        assertThat(plan.recommendation().reasons()).anyMatch(s -> s.contains("no method fits"));
    }

    @Test
    void llama70bNeedsEightT4sInFp16ButOnlyTwoInQ4() {
        HardwarePlan plan = planner.plan(LLAMA_70B, Fixtures.gpu("T4-16GB", 16, 320, 65, null, 130.0, 0.35, 16),
                new PlanOptions(4096, 1, null));

        // 140 GB fp16: 16 × 0.9 = 14.4 GB usable per T4 → 140 / 8 = 17.5 too much, 140 / 16 = 8.75 fits
        assertThat(method(plan, PlanMethod.FP16).tensorParallel()).isEqualTo(16);
        // Q4_K_M: 70 × 4.85 / 8 = 42.4 GB → 4 × T4
        assertThat(method(plan, PlanMethod.Q4_K_M).tensorParallel()).isEqualTo(4);
    }

    @Test
    void int8FallsBackToFp16MathWhereTheGpuHasNoInt8() {
        assertThat(CapacityPlanner.peakOps(A10G, PlanMethod.INT8)).isEqualTo(70.0);
        assertThat(CapacityPlanner.peakOps(L40S, PlanMethod.INT8)).isEqualTo(733.0);
        assertThat(CapacityPlanner.peakOps(EPYC, PlanMethod.Q4_K_M)).isEqualTo(7.4);
    }

    @Test
    void rankingPutsFeasibleFewestGpuTypesFirst() {
        List<InventoryRanking.Ranked> ranked = InventoryRanking.rank(planner, QWEN_72B,
                List.of(T4, RTX4090, H100, L40S, EPYC), new PlanOptions(8192, 1, null));

        assertThat(ranked).extracting(InventoryRanking.Ranked::rank).containsExactly(1, 2, 3, 4, 5);
        assertThat(ranked.getFirst().plan().recommendation().gpuCount()).isEqualTo(1);
        for (int i = 1; i < ranked.size(); i++) {
            Recommendation previous = ranked.get(i - 1).plan().recommendation();
            Recommendation current = ranked.get(i).plan().recommendation();
            if (previous.method() != null && current.method() != null) {
                assertThat(previous.gpuCount()).isLessThanOrEqualTo(current.gpuCount());
            }
        }
    }
}
