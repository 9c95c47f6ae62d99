package dev.quanta.planner.plan;

import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HeuristicEstimate;
import dev.quanta.planner.domain.MethodPlan;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.PlanOptions;
import dev.quanta.planner.domain.PlannerAssumptions;
import dev.quanta.planner.domain.Recommendation;
import java.util.List;

/** GET /plan without a GPU: every inventory type ranked; ask with {@code gpu=} for all methods of one. */
record RankingResponse(ModelShape model, PlanOptions options, PlannerAssumptions assumptions, String rankedBy,
        List<Entry> ranking) {

    /** One type: the heuristic, the recommendation and the recommended method's plan (null when none fits). */
    record Entry(int rank, GpuSpec gpu, HeuristicEstimate heuristic, Recommendation recommendation,
            MethodPlan recommended, List<String> notes) {}
}
