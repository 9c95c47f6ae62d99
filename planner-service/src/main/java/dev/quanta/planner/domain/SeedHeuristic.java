package dev.quanta.planner.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rule the older tooling used, reproduced bit-for-bit so users can compare: {@code recommend_quant}
 * and {@code estimate_throughput}. Arithmetic is IEEE double in the seed's evaluation order, so every
 * value equals what the seed printed (e.g. 36.0 × 1.2 = 43.199999999999996).
 *
 * <p>Where the seed silently defaulted (unknown model → INT8, unknown GPU → 24 GB) callers must refuse
 * instead; this class only ever sees known models and GPUs.
 */
public final class SeedHeuristic {

    /** The seed's GPU memory table (GB). */
    public static final Map<String, Double> GPU_MEMORY_GB = Map.of(
            "A100-80GB", 80.0,
            "A100-40GB", 40.0,
            "H100-80GB", 80.0,
            "L40S-48GB", 48.0,
            "RTX4090-24GB", 24.0,
            "T4-16GB", 16.0);

    /** The seed's base decode tokens/s per GPU; every other GPU gets {@link #OTHER_GPU_BASE_TOKENS}. */
    public static final Map<String, Integer> BASE_TOKENS_PER_SECOND = Map.of(
            "A100-80GB", 100,
            "H100-80GB", 150,
            "L40S-48GB", 80,
            "RTX4090-24GB", 70,
            "T4-16GB", 30);

    public static final int OTHER_GPU_BASE_TOKENS = 50;

    private SeedHeuristic() {}

    /** The seed's memory for a GPU it knew by name. */
    public static Optional<Double> seedMemoryGb(String gpuName) {
        return Optional.ofNullable(GPU_MEMORY_GB.get(gpuName));
    }

    /** {@code recommend_quant}: the first of FP16, INT8, INT4_AWQ whose size × 1.2 fits, else GGUF. */
    public static HeuristicMethod recommendQuant(double fp16Gb, double gpuMemoryGb) {
        if (fp16Gb * 1.2 <= gpuMemoryGb) {
            return HeuristicMethod.FP16;
        } else if (fp16Gb * 0.5 * 1.2 <= gpuMemoryGb) {
            return HeuristicMethod.INT8;
        } else if (fp16Gb * 0.25 * 1.2 <= gpuMemoryGb) {
            return HeuristicMethod.INT4_AWQ;
        }
        return HeuristicMethod.GGUF;
    }

    /** {@code estimate_throughput}: int(base × multiplier), truncating toward zero. */
    public static int estimateThroughput(HeuristicMethod method, String gpuName) {
        int base = BASE_TOKENS_PER_SECOND.getOrDefault(gpuName, OTHER_GPU_BASE_TOKENS);
        return (int) (base * method.throughputMultiplier());
    }

    /** fp16 GB × bits / 16; the fp16 size itself when unquantized. */
    public static double estimatedMemoryGb(double fp16Gb, HeuristicMethod method) {
        if (method == HeuristicMethod.FP16) {
            return fp16Gb;
        }
        return fp16Gb * method.bits() / 16;
    }

    /** estimated × 1.2. */
    public static double minGpuMemoryGb(double estimatedGb) {
        return estimatedGb * 1.2;
    }

    /**
     * The whole heuristic answer for a model of {@code fp16Gb} on the GPU {@code gpuName}. GPUs the seed
     * knew use its memory table; any other inventory GPU uses {@code inventoryMemoryGb} (the seed would
     * have assumed 24 GB, which we do not).
     */
    public static HeuristicEstimate estimate(double fp16Gb, String gpuName, double inventoryMemoryGb) {
        List<String> how = new ArrayList<>();
        Optional<Double> seedMemory = seedMemoryGb(gpuName);
        double memory = seedMemory.orElse(inventoryMemoryGb);
        how.add(seedMemory.isPresent()
                ? "GPU memory " + memory + " GB from the seed's table"
                : gpuName + " is not in the seed's table: memory " + memory + " GB from the inventory");
        HeuristicMethod method = recommendQuant(fp16Gb, memory);
        how.add(switch (method) {
            case FP16 -> "FP16: fp16 " + fp16Gb + " GB × 1.2 ≤ " + memory + " GB";
            case INT8 -> "INT8: fp16 × 1.2 > memory, fp16 × 0.5 × 1.2 ≤ " + memory + " GB";
            case INT4_AWQ -> "INT4_AWQ: fp16 × 0.5 × 1.2 > memory, fp16 × 0.25 × 1.2 ≤ " + memory + " GB";
            default -> "GGUF: even fp16 × 0.25 × 1.2 > " + memory + " GB";
        });
        double estimated = estimatedMemoryGb(fp16Gb, method);
        how.add("estimated_memory_gb = fp16 GB × " + method.bits() + " / 16");
        how.add("min_gpu_memory_gb = estimated × 1.2");
        Integer base = BASE_TOKENS_PER_SECOND.get(gpuName);
        how.add("tokens/s = int(" + (base == null ? OTHER_GPU_BASE_TOKENS + " (any other GPU)" : base) + " × "
                + method.throughputMultiplier() + ")");
        return new HeuristicEstimate(method.name(), method.bits(), QuantConfig.of(method), memory, estimated,
                minGpuMemoryGb(estimated), estimateThroughput(method, gpuName), List.copyOf(how));
    }
}
