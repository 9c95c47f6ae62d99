package dev.quanta.planner.domain;

import java.util.List;

/**
 * The chosen method (best that fits within the quality limit: fewest GPUs, then least quality loss,
 * then throughput), or none with the reasons why.
 */
public record Recommendation(PlanMethod method, Integer gpuCount, Double qualityLossPercent,
        Double decodeTokensPerSecond, String framework, String frameworkReason, List<String> reasons) {
}
