package dev.quanta.planner.domain;

import java.util.List;

/** Every method for one model on one hardware type, the seed heuristic's answer beside it, and the pick. */
public record HardwarePlan(GpuSpec hardware, HeuristicEstimate heuristic, List<MethodPlan> methods,
        Recommendation recommendation, List<String> notes) {
}
