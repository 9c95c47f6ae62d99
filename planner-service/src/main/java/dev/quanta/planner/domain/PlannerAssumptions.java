package dev.quanta.planner.domain;

/**
 * The efficiency factors behind every estimate, reported with each plan.
 *
 * @param memoryUtilization share of device memory the server may use (vLLM's gpu_memory_utilization)
 * @param gpuBandwidthEfficiency achieved / peak memory bandwidth in decode on GPUs
 * @param cpuBandwidthEfficiency achieved / peak memory bandwidth in decode on CPU nodes
 * @param computeEfficiency achieved / peak math throughput (model FLOPs utilisation) in prefill
 */
public record PlannerAssumptions(double memoryUtilization, double gpuBandwidthEfficiency,
        double cpuBandwidthEfficiency, double computeEfficiency) {

    public static final PlannerAssumptions DEFAULTS = new PlannerAssumptions(0.9, 0.8, 0.6, 0.5);

    public PlannerAssumptions {
        for (double f : new double[] {memoryUtilization, gpuBandwidthEfficiency, cpuBandwidthEfficiency,
                computeEfficiency}) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("planner efficiency factors must be in (0, 1], got " + f);
            }
        }
    }

    public double bandwidthEfficiency(HardwareKind kind) {
        return kind == HardwareKind.CPU ? cpuBandwidthEfficiency : gpuBandwidthEfficiency;
    }
}
