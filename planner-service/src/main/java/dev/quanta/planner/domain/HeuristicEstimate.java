package dev.quanta.planner.domain;

import java.util.List;

/**
 * What the seed heuristic answers for one model on one GPU, with how each number was obtained.
 *
 * @param estimatedMemoryGb fp16 GB × bits / 16 (GB, 10^9 bytes as the registry states fp16 sizes)
 * @param minGpuMemoryGb estimated × 1.2
 * @param tokensPerSecond int(base × multiplier), truncated as the seed did
 */
public record HeuristicEstimate(String method, int bits, QuantConfig quantConfig, double gpuMemoryGb,
        double estimatedMemoryGb, double minGpuMemoryGb, int tokensPerSecond, List<String> derivation) {
}
