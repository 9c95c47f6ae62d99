package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/** Body of PUT /gpus/{name}; {@code kind} defaults to GPU. Units as in {@link GpuSpec}. */
record GpuRequest(
        HardwareKind kind,
        @NotNull @Positive @DecimalMax("100000") Double memoryGb,
        @NotNull @Positive @DecimalMax("1000000") Double bandwidthGbPerSecond,
        @NotNull @Positive @DecimalMax("1000000") Double fp16Tflops,
        @Positive @DecimalMax("1000000") Double fp8Tops,
        @Positive @DecimalMax("1000000") Double int8Tops,
        @PositiveOrZero @DecimalMax("100000") Double pricePerHour,
        @NotNull @PositiveOrZero @Max(1_000_000) Integer available,
        @Positive @Max(100_000) Integer cores) {

    GpuSpec toSpec(String name) {
        return new GpuSpec(name, kind == null ? HardwareKind.GPU : kind, memoryGb, bandwidthGbPerSecond, fp16Tflops,
                fp8Tops, int8Tops, pricePerHour, available, cores);
    }
}
