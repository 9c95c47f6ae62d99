package dev.quanta.planner.plan;

import dev.quanta.planner.domain.CapacityPlanner;
import dev.quanta.planner.domain.HardwarePlan;
import dev.quanta.planner.domain.InventoryRanking;
import dev.quanta.planner.domain.MethodPlan;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.PlanOptions;
import dev.quanta.planner.gpu.GpuInventory;
import dev.quanta.planner.registry.RegistryClient;
import java.util.List;
import org.springframework.stereotype.Service;

/** Fetches the model and hardware, runs the domain planner, shapes the answer. */
@Service
class PlanService {

    private final RegistryClient registry;
    private final GpuInventory inventory;
    private final CapacityPlanner planner;

    PlanService(RegistryClient registry, GpuInventory inventory, CapacityPlanner planner) {
        this.registry = registry;
        this.inventory = inventory;
        this.planner = planner;
    }

    Object planRegistered(String modelKey, String gpu, Integer context, Integer concurrency, Double maxQualityLoss) {
        // NOTE: the GPU is resolved first so an unknown GPU is a 404 even while the registry is down.
        var hardware = gpu == null ? null : inventory.resolve(gpu);
        ModelShape model = registry.model(modelKey);
        return plan(model, hardware, context, concurrency, maxQualityLoss);
    }

    Object planAdHoc(AdHocPlanRequest request) {
        var hardware = request.gpu() == null || request.gpu().isBlank() ? null : inventory.resolve(request.gpu());
        return plan(request.model().toShape(), hardware, request.context(), request.concurrency(),
                request.maxQualityLoss());
    }

    private Object plan(ModelShape model, dev.quanta.planner.domain.GpuSpec hardware, Integer context,
            Integer concurrency, Double maxQualityLoss) {
        PlanOptions options = PlanOptions.forModel(model, context, concurrency, maxQualityLoss);
        if (hardware != null) {
            HardwarePlan plan = planner.plan(model, hardware, options);
            return new PlanResponse(model, hardware, options, planner.assumptions(), plan.heuristic(),
                    new PlanResponse.Plan(plan.methods(), plan.recommendation(), plan.notes()));
        }
        List<RankingResponse.Entry> entries = InventoryRanking.rank(planner, model, inventory.all(), options).stream()
                .map(r -> {
                    HardwarePlan p = r.plan();
                    MethodPlan recommended = p.methods().stream()
                            .filter(m -> m.method() == p.recommendation().method()).findFirst().orElse(null);
                    return new RankingResponse.Entry(r.rank(), p.hardware(), p.heuristic(), p.recommendation(),
                            recommended, p.notes());
                })
                .toList();
        return new RankingResponse(model, options, planner.assumptions(), InventoryRanking.RANKED_BY, entries);
    }
}
