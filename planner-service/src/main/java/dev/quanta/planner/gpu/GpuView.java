package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.CpuCalibration;
import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import dev.quanta.planner.domain.Names;
import java.time.Instant;
import java.util.List;

/** A GPU/CPU type as the API shows it; units as in {@link GpuSpec}. */
public record GpuView(String name, HardwareKind kind, double memoryGb, double bandwidthGbPerSecond,
        double fp16Tflops, Double fp8Tops, Double int8Tops, Double pricePerHour, int available, Integer cores,
        CpuCalibration calibration, List<String> aliases, long version, Instant updatedAt) {

    static GpuView of(HardwareType row) {
        GpuSpec s = row.toSpec();
        return new GpuView(s.name(), s.kind(), s.memoryGb(), s.bandwidthGbPerSecond(), s.fp16Tflops(), s.fp8Tops(),
                s.int8Tops(), s.pricePerHour(), s.available(), s.cores(), s.calibration(),
                List.copyOf(Names.aliases(s.name())), row.version(), row.updatedAt());
    }
}
