package dev.quanta.planner.plan;

import dev.quanta.planner.domain.CpuWorkerEstimate;
import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HeuristicEstimate;
import dev.quanta.planner.domain.MethodPlan;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.PlanOptions;
import dev.quanta.planner.domain.PlannerAssumptions;
import dev.quanta.planner.domain.Recommendation;
import java.util.List;

/**
 * GET /plan with a GPU: the seed heuristic's answer ({@code heuristic}, null for CPU nodes) and the full
 * plan. Units: GB = 10^9 bytes, tokens/s, USD. {@code cpuWorker}: our CPU worker's predicted speed and memory for
 * the GGUF file whose tensor table was sent, on a calibrated CPU node (null otherwise; the notes say why).
 */
record PlanResponse(ModelShape model, GpuSpec gpu, PlanOptions options, PlannerAssumptions assumptions,
        HeuristicEstimate heuristic, Plan plan, CpuWorkerEstimate cpuWorker) {

    /** Every method on this GPU type, the recommendation with its reasons, and notes. */
    record Plan(List<MethodPlan> methods, Recommendation recommendation, List<String> notes) {}
}
