package dev.quanta.planner.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Plans a model on every inventory type and orders them by the recommendation rule. */
public final class InventoryRanking {

    /** One hardware type's plan with its place in the ranking (1 = best). */
    public record Ranked(int rank, HardwarePlan plan) {}

    public static final String RANKED_BY = "types with a recommendation first; then fewest devices, highest "
            + "aggregate decode tokens/s, least quality loss of their recommended method; then name";

    private static final Comparator<HardwarePlan> ORDER = Comparator
            .comparing((HardwarePlan p) -> p.recommendation().method() == null)
            .thenComparing(p -> p.recommendation().gpuCount(), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.recommendation().decodeTokensPerSecond(),
                    Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(p -> p.recommendation().qualityLossPercent(),
                    Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(p -> p.hardware().name());

    private InventoryRanking() {}

    public static List<Ranked> rank(CapacityPlanner planner, ModelShape model, List<GpuSpec> inventory,
            PlanOptions options) {
        List<HardwarePlan> plans = new ArrayList<>();
        for (GpuSpec hw : inventory) {
            plans.add(planner.plan(model, hw, options));
        }
        plans.sort(ORDER);
        List<Ranked> out = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            out.add(new Ranked(i + 1, plans.get(i)));
        }
        return List.copyOf(out);
    }
}
