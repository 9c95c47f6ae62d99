package dev.quanta.planner.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The full planner: for one model on one hardware type, every method's weights, tensor-parallel degree,
 * KV cache, roofline decode and compute-bound prefill estimates, quality loss, cost and serving
 * framework; then the recommendation.
 *
 * <p>Units: GB = 10^9 bytes throughout (the registry's fp16 sizes and the vendors' memory figures are
 * both quoted that way here); bandwidth GB/s; math TFLOPS/TOPS = 10^12 operations/s.
 */
public final class CapacityPlanner {

    /** Orders fitting plans: fewest GPUs, then least quality loss, then highest aggregate decode speed. */
    public static final Comparator<MethodPlan> PREFERENCE = Comparator
            .comparingInt((MethodPlan p) -> p.tensorParallel())
            .thenComparingDouble(MethodPlan::qualityLossPercent)
            .thenComparing(MethodPlan::decodeTokensPerSecond, Comparator.reverseOrder());

    private final PlannerAssumptions assumptions;

    public CapacityPlanner(PlannerAssumptions assumptions) {
        this.assumptions = assumptions;
    }

    public PlannerAssumptions assumptions() {
        return assumptions;
    }

    /** Plans {@code model} on {@code hardware}. */
    public HardwarePlan plan(ModelShape model, GpuSpec hardware, PlanOptions options) {
        List<String> notes = new ArrayList<>();
        HeuristicEstimate heuristic = null;
        if (hardware.kind() == HardwareKind.GPU) {
            heuristic = SeedHeuristic.estimate(model.fp16MemoryGb(), hardware.name(), hardware.memoryGb());
        } else {
            notes.add("the seed heuristic covers GPUs only; CPU nodes are planned with GGUF quants");
        }
        if (!hardware.supportsFp8() && hardware.kind() == HardwareKind.GPU) {
            notes.add(hardware.name() + " has no FP8 math: FP8 is not planned");
        }
        if (hardware.available() == 0) {
            notes.add("no " + hardware.name() + " is available in the inventory: nothing fits");
        }
        List<MethodPlan> methods = new ArrayList<>();
        for (PlanMethod method : PlanMethod.values()) {
            if (method.runsOn(hardware)) {
                methods.add(planMethod(model, hardware, options, method));
            }
        }
        return new HardwarePlan(hardware, heuristic, List.copyOf(methods),
                recommend(model, hardware, options, methods), List.copyOf(notes));
    }

    /** One method: sizes, TP degree, KV, speeds, quality, cost, framework. */
    MethodPlan planMethod(ModelShape model, GpuSpec hw, PlanOptions options, PlanMethod method) {
        Map<String, String> how = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        double params = model.parametersBillions() * 1e9;
        double weightsGb = params * method.bitsPerWeight() / 8 / 1e9;
        how.put("weightsGb", fmt("%s B params × %s bits / 8", model.parametersBillions(), method.bitsPerWeight()));
        long kvPerToken = KvCache.bytesPerToken(model.layers(), model.kvHeads(), model.headDim(), KvCache.FP16_BYTES);
        how.put("kvBytesPerToken", fmt("2 × %d layers × %d KV heads × %d head dim × 2 bytes (fp16 cache)",
                model.layers(), model.kvHeads(), model.headDim()));
        double usableGb = hw.memoryGb() * assumptions.memoryUtilization();
        QualityTable.Entry quality = QualityTable.of(method);
        boolean withinQuality = options.maxQualityLossPercent() == null
                || quality.lossPercent() <= options.maxQualityLossPercent();
        how.put("qualityLossPercent", fmt("+%s perplexity on a base of %s (%s)", quality.perplexityDelta(),
                quality.basePerplexity(), quality.source()));
        FrameworkAdvisor.Advice advice = FrameworkAdvisor.advise(model.parametersBillions(), options.concurrency(),
                hw.kind());

        Integer tp = null;
        int maxSeqs = 0;
        long kvPerGpu = 0;
        int maxDegree = hw.kind() == HardwareKind.CPU ? Math.min(1, hw.available()) : hw.available();
        for (int t = 1; t <= maxDegree; t *= 2) {
            if (model.attentionHeads() % t != 0) {
                notes.add("tensor parallel " + t + " skipped: " + model.attentionHeads()
                        + " attention heads do not split evenly");
                continue;
            }
            long kv = KvCache.bytesPerTokenPerGpu(model.layers(), model.kvHeads(), model.headDim(),
                    KvCache.FP16_BYTES, t);
            double freeBytes = (usableGb - weightsGb / t) * 1e9;
            double perSequence = (double) kv * options.context();
            if (freeBytes >= perSequence) {
                tp = t;
                kvPerGpu = kv;
                maxSeqs = (int) Math.min(Integer.MAX_VALUE, Math.floor(freeBytes / perSequence));
                break;
            }
        }
        how.put("tensorParallel", fmt("smallest power of two ≤ %d available (heads divisible) with weights / TP "
                + "+ one %d-token sequence ≤ %s × %s GB", maxDegree, options.context(),
                assumptions.memoryUtilization(), hw.memoryGb()));
        if (tp == null) {
            notes.add(fmt("does not fit in %d × %s at %s memory utilisation", hw.available(), hw.name(),
                    assumptions.memoryUtilization()));
            return new MethodPlan(method, method.label(), method.bitsPerWeight(), round(weightsGb), false, null, null,
                    null, kvPerToken, null, null, null, null, null, null, null, round(quality.lossPercent()),
                    quality.perplexityDelta(), quality.source(), withinQuality, null, advice.framework(),
                    List.copyOf(notes), how);
        }
        if (maxSeqs < options.concurrency()) {
            notes.add(fmt("only %d of the %d requested sequences of %d tokens fit; decode is planned at %d",
                    maxSeqs, options.concurrency(), options.context(), maxSeqs));
        }
        int batch = Math.min(options.concurrency(), maxSeqs);
        how.put("kvBytesPerTokenPerGpu", fmt("2 × %d layers × max(1, ceil(%d KV heads / TP %d)) × %d head dim × 2 bytes",
                model.layers(), model.kvHeads(), tp, model.headDim()));
        how.put("effectiveBatch", fmt("min(concurrency %d, max sequences %d)", options.concurrency(), maxSeqs));
        double weightsPerGpuGb = weightsGb / tp;
        double kvSequenceBytes = (double) kvPerGpu * options.context();
        double perGpuMemoryGb = weightsPerGpuGb + batch * kvSequenceBytes / 1e9;
        how.put("perGpuMemoryGb", fmt("weights / %d + %d sequences × %d tokens × %d KV bytes/token/GPU", tp, batch,
                options.context(), kvPerGpu));
        how.put("maxConcurrentSequences", fmt("floor((%s × %s GB − %s GB weights/GPU) / (%d tokens × %d bytes))",
                assumptions.memoryUtilization(), hw.memoryGb(), round(weightsPerGpuGb), options.context(), kvPerGpu));

        double effBandwidth = hw.bandwidthGbPerSecond() * 1e9 * assumptions.bandwidthEfficiency(hw.kind());
        double peakOps = peakOps(hw, method) * 1e12 * assumptions.computeEfficiency();
        double flopsPerTokenPerGpu = 2 * params / tp;
        double decode1 = decodeRate(1, weightsPerGpuGb * 1e9, kvSequenceBytes, effBandwidth, flopsPerTokenPerGpu,
                peakOps);
        double decodeB = decodeRate(batch, weightsPerGpuGb * 1e9, kvSequenceBytes, effBandwidth, flopsPerTokenPerGpu,
                peakOps);
        how.put("decodeTokensPerSecondBatch1", fmt("%s GB/s × %s effective ÷ (%s GB weights/GPU + %d-token KV) "
                + "per token (roofline, memory bound; KV read at full context; TP communication ignored)",
                hw.bandwidthGbPerSecond(), assumptions.bandwidthEfficiency(hw.kind()), round(weightsPerGpuGb),
                options.context()));
        how.put("decodeTokensPerSecond", fmt("batch %d ÷ max(memory time: weights + %d × KV read, compute time: "
                + "%d × 2 × params / TP ÷ (%s T ops × %s))", batch, batch, batch, peakOps(hw, method),
                assumptions.computeEfficiency()));
        double attentionFlops = 2.0 * model.layers() * options.context() * model.hiddenSize();
        double prefill = peakOps * tp / (2 * params + attentionFlops);
        how.put("prefillTokensPerSecond", fmt("%d × %s T ops (%s) × %s MFU ÷ (2 × params + 2 × layers × context × "
                + "hidden FLOPs/token)", tp, peakOps(hw, method), computeName(hw, method),
                assumptions.computeEfficiency()));
        how.put("timeToFirstTokenSeconds", fmt("%d prompt tokens ÷ prefill tokens/s", options.context()));
        Double cost = null;
        if (hw.pricePerHour() != null) {
            cost = hw.pricePerHour() * tp / 3600.0 / decodeB * 1e6;
            how.put("costPerMillionTokens", fmt("%d × $%s/h ÷ 3600 ÷ %s tok/s × 10^6", tp, hw.pricePerHour(),
                    round(decodeB)));
        } else {
            how.put("costPerMillionTokens", "no price per hour in the inventory for " + hw.name());
        }
        return new MethodPlan(method, method.label(), method.bitsPerWeight(), round(weightsGb), tp == 1, tp,
                round(weightsPerGpuGb), round(perGpuMemoryGb), kvPerToken, kvPerGpu, maxSeqs, batch, round(decode1),
                round(decodeB), round(prefill), round(options.context() / prefill), round(quality.lossPercent()),
                quality.perplexityDelta(), quality.source(), withinQuality, cost == null ? null : round(cost),
                advice.framework(), List.copyOf(notes), how);
    }

    /** Aggregate tokens/s of a decode step over {@code batch} sequences: the slower of memory and math. */
    static double decodeRate(int batch, double weightBytes, double kvBytesPerSequence, double bandwidth,
            double flopsPerToken, double opsPerSecond) {
        double memorySeconds = (weightBytes + batch * kvBytesPerSequence) / bandwidth;
        double computeSeconds = batch * flopsPerToken / opsPerSecond;
        return batch / Math.max(memorySeconds, computeSeconds);
    }

    /** Peak TFLOPS/TOPS the method's matmuls run at; INT8 falls back to FP16 where the device lacks it. */
    static double peakOps(GpuSpec hw, PlanMethod method) {
        if (hw.kind() == HardwareKind.CPU) {
            return hw.fp16Tflops();
        }
        return switch (method.compute()) {
            case FP8 -> hw.fp8Tops() != null ? hw.fp8Tops() : hw.fp16Tflops();
            case INT8 -> hw.int8Tops() != null ? hw.int8Tops() : hw.fp16Tflops();
            case FP16 -> hw.fp16Tflops();
        };
    }

    private static String computeName(GpuSpec hw, PlanMethod method) {
        if (hw.kind() == HardwareKind.CPU) {
            return "CPU FP32 vector peak";
        }
        return switch (method.compute()) {
            case FP8 -> hw.fp8Tops() != null ? "FP8" : "FP16";
            case INT8 -> hw.int8Tops() != null ? "INT8" : "FP16 (no INT8 math)";
            case FP16 -> "FP16";
        };
    }

    private Recommendation recommend(ModelShape model, GpuSpec hw, PlanOptions options, List<MethodPlan> methods) {
        FrameworkAdvisor.Advice advice = FrameworkAdvisor.advise(model.parametersBillions(), options.concurrency(),
                hw.kind());
        List<String> reasons = new ArrayList<>();
        List<MethodPlan> fitting = methods.stream().filter(MethodPlan::fits).toList();
        List<MethodPlan> candidates = fitting.stream().filter(MethodPlan::withinQualityLimit).sorted(PREFERENCE)
                .toList();
        if (candidates.isEmpty()) {
            if (fitting.isEmpty()) {
                reasons.add(fmt("no method fits in the %d available × %s (%s GB each at %s utilisation) with one "
                        + "sequence of %d tokens", hw.available(), hw.name(), hw.memoryGb(),
                        assumptions.memoryUtilization(), options.context()));
            } else {
                reasons.add(fmt("%d methods fit, but none within max_quality_loss %s%%", fitting.size(),
                        options.maxQualityLossPercent()));
            }
            return new Recommendation(null, null, null, null, advice.framework(), advice.reason(), reasons);
        }
        MethodPlan best = candidates.getFirst();
        reasons.add(fmt("%s fits on %d × %s: %s GB per GPU, up to %d sequences of %d tokens at %s memory "
                + "utilisation", best.label(), best.tensorParallel(), hw.name(), best.perGpuMemoryGb(),
                best.maxConcurrentSequences(), options.context(), assumptions.memoryUtilization()));
        long sameCount = candidates.stream().filter(p -> p.tensorParallel().equals(best.tensorParallel())).count();
        if (sameCount > 1) {
            reasons.add(fmt("least quality loss (+%s%% perplexity) of the %d methods that need %d GPU(s)",
                    best.qualityLossPercent(), sameCount, best.tensorParallel()));
        } else {
            reasons.add(fmt("the only method that needs as few as %d GPU(s)", best.tensorParallel()));
        }
        reasons.add(fmt("decode ≈ %s tok/s at batch 1, %s tok/s aggregate at batch %d", best.decodeTokensPerSecondBatch1(),
                best.decodeTokensPerSecond(), best.effectiveBatch()));
        long excluded = fitting.stream().filter(p -> !p.withinQualityLimit()).count();
        if (excluded > 0) {
            reasons.add(fmt("%d fitting method(s) excluded by max_quality_loss %s%%", excluded,
                    options.maxQualityLossPercent()));
        }
        if (best.maxConcurrentSequences() < options.concurrency()) {
            reasons.add(fmt("warning: only %d of %d requested concurrent sequences fit", best.maxConcurrentSequences(),
                    options.concurrency()));
            candidates.stream().filter(p -> p.maxConcurrentSequences() >= options.concurrency()).findFirst()
                    .ifPresentOrElse(
                            alt -> reasons.add(fmt("to hold all %d sequences: %s on %d × %s (%d sequences, %s tok/s "
                                    + "aggregate)", options.concurrency(), alt.label(), alt.tensorParallel(),
                                    hw.name(), alt.maxConcurrentSequences(), alt.decodeTokensPerSecond())),
                            () -> reasons.add(fmt("no method within the limits holds %d sequences of %d tokens at "
                                    + "its minimum GPU count; lower context or concurrency, or add GPUs",
                                    options.concurrency(), options.context())));
        }
        reasons.add("framework: " + advice.framework() + " (" + advice.reason() + ")");
        return new Recommendation(best.method(), best.tensorParallel(), best.qualityLossPercent(),
                best.decodeTokensPerSecond(), advice.framework(), advice.reason(), List.copyOf(reasons));
    }

    /** Rounds a reported figure to 3 decimals (the estimates are not more precise than that). */
    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
