package dev.quanta.planner.config;

import dev.quanta.planner.domain.PlannerAssumptions;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quanta.planner.*}. Credentials and the body limit are the shared edge's ({@code quanta.edge.*}).
 *
 * @param memoryUtilization share of device memory a server may use (default 0.9)
 * @param gpuBandwidthEfficiency achieved / peak GPU memory bandwidth in decode (default 0.8)
 * @param cpuBandwidthEfficiency achieved / peak CPU memory bandwidth in decode (default 0.6)
 * @param computeEfficiency achieved / peak math throughput in prefill (default 0.5)
 */
@ConfigurationProperties("quanta.planner")
public record PlannerProperties(
        @DefaultValue("0.9") double memoryUtilization,
        @DefaultValue("0.8") double gpuBandwidthEfficiency,
        @DefaultValue("0.6") double cpuBandwidthEfficiency,
        @DefaultValue("0.5") double computeEfficiency) {

    public PlannerAssumptions assumptions() {
        return new PlannerAssumptions(memoryUtilization, gpuBandwidthEfficiency, cpuBandwidthEfficiency,
                computeEfficiency);
    }
}
