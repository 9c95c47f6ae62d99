package dev.quanta.planner.domain;

import java.util.List;
import java.util.Map;

/**
 * One method on one hardware type. Sizes in GB (10^9 bytes), speeds in tokens/s. Fields that do not
 * apply when the method fits nowhere in the inventory ({@code tensorParallel == null}) are {@code null}.
 *
 * @param weightsGb parameters × bits per weight / 8
 * @param tensorParallel smallest power-of-two GPU count (within the available count) that holds the
 *     weights plus one sequence of {@code context} tokens at the memory utilisation
 * @param perGpuMemoryGb weights / TP + KV of the sequences actually batched
 * @param kvBytesPerToken 2 × layers × KV heads × head dim × 2 bytes (whole model, fp16 cache)
 * @param maxConcurrentSequences sequences of {@code context} tokens whose KV fits beside the weights
 * @param decodeTokensPerSecondBatch1 one sequence: effective bandwidth ÷ bytes read per token
 * @param decodeTokensPerSecond aggregate at {@code effectiveBatch} = min(concurrency, max sequences)
 * @param prefillTokensPerSecond effective math throughput ÷ FLOPs per prompt token
 * @param costPerMillionTokens USD per 10^6 output tokens at {@code decodeTokensPerSecond}, when priced
 * @param derivation how each number was computed, with the figures used
 */
public record MethodPlan(PlanMethod method, String label, double bitsPerWeight, double weightsGb,
        boolean fitsOnOneGpu, Integer tensorParallel, Double perGpuWeightsGb, Double perGpuMemoryGb,
        long kvBytesPerToken, Long kvBytesPerTokenPerGpu, Integer maxConcurrentSequences, Integer effectiveBatch,
        Double decodeTokensPerSecondBatch1, Double decodeTokensPerSecond, Double prefillTokensPerSecond,
        Double timeToFirstTokenSeconds, double qualityLossPercent, double perplexityDelta, String qualitySource,
        boolean withinQualityLimit, Double costPerMillionTokens, String framework, List<String> notes,
        Map<String, String> derivation) {

    public boolean fits() {
        return tensorParallel != null;
    }
}
