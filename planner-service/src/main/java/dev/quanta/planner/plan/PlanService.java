package dev.quanta.planner.plan;

import dev.quanta.planner.domain.CapacityPlanner;
import dev.quanta.planner.domain.CpuWorkerEstimate;
import dev.quanta.planner.domain.CpuWorkerModel;
import dev.quanta.planner.domain.GgufTensor;
import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import dev.quanta.planner.domain.HardwarePlan;
import dev.quanta.planner.domain.InventoryRanking;
import dev.quanta.planner.domain.MethodPlan;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.PlanOptions;
import dev.quanta.planner.gpu.GpuInventory;
import dev.quanta.planner.registry.RegistryClient;
import java.util.ArrayList;
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
        return plan(model, hardware, context, concurrency, maxQualityLoss, null);
    }

    Object planAdHoc(AdHocPlanRequest request) {
        var hardware = request.gpu() == null || request.gpu().isBlank() ? null : inventory.resolve(request.gpu());
        return plan(request.model().toShape(), hardware, request.context(), request.concurrency(),
                request.maxQualityLoss(), request);
    }

    private Object plan(ModelShape model, GpuSpec hardware, Integer context, Integer concurrency,
            Double maxQualityLoss, AdHocPlanRequest adHoc) {
        PlanOptions options = PlanOptions.forModel(model, context, concurrency, maxQualityLoss);
        if (hardware != null) {
            HardwarePlan plan = planner.plan(model, hardware, options);
            List<String> notes = new ArrayList<>(plan.notes());
            CpuWorkerEstimate worker = cpuWorker(model, hardware, options, adHoc, notes);
            return new PlanResponse(model, hardware, options, planner.assumptions(), plan.heuristic(),
                    new PlanResponse.Plan(plan.methods(), plan.recommendation(), List.copyOf(notes)), worker);
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

    /**
     * Our CPU worker's prediction when the hardware is a calibrated CPU node and the GGUF tensor table was sent
     * (POST /plan); otherwise null, with a note saying what is missing.
     */
    private static CpuWorkerEstimate cpuWorker(ModelShape model, GpuSpec hardware, PlanOptions options,
            AdHocPlanRequest adHoc, List<String> notes) {
        if (hardware.kind() != HardwareKind.CPU) {
            return null;
        }
        List<GgufTensor> tensors = adHoc == null ? List.of() : adHoc.model().ggufTensors();
        if (hardware.calibration() == null) {
            notes.add("No CPU worker prediction: " + hardware.name() + " is not calibrated (run quanta calibrate on "
                    + "such a node).");
            return null;
        }
        if (tensors.isEmpty()) {
            notes.add("No CPU worker prediction: send the GGUF file's tensor table as model.tensors with POST /plan "
                    + "(quanta gguf-info --json lists it).");
            return null;
        }
        List<String> missing = CpuWorkerModel.uncalibratedTypes(tensors, hardware.calibration());
        if (!missing.isEmpty()) {
            notes.add("No CPU worker prediction: " + hardware.name() + " has no calibrated rate for " + missing + ".");
            return null;
        }
        int prompt = adHoc.promptTokens() == null ? AdHocPlanRequest.DEFAULT_PROMPT_TOKENS : adHoc.promptTokens();
        int generated = adHoc.generatedTokens() == null ? AdHocPlanRequest.DEFAULT_GENERATED_TOKENS
                : adHoc.generatedTokens();
        return CpuWorkerModel.predict(model, tensors, hardware.calibration(), options.context(), prompt, generated);
    }
}
