package dev.quanta.planner.gpu;

import dev.quanta.planner.domain.CpuCalibration;
import dev.quanta.planner.domain.GpuSpec;
import dev.quanta.planner.domain.HardwareKind;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of PUT /gpus/{name}; {@code kind} defaults to GPU. Units as in {@link GpuSpec}. A CPU type may carry the
 * {@code calibration} {@code quanta calibrate} measured (it sends the whole body).
 */
record GpuRequest(
        HardwareKind kind,
        @NotNull @Positive @DecimalMax("100000") Double memoryGb,
        @NotNull @Positive @DecimalMax("1000000") Double bandwidthGbPerSecond,
        @NotNull @Positive @DecimalMax("1000000") Double fp16Tflops,
        @Positive @DecimalMax("1000000") Double fp8Tops,
        @Positive @DecimalMax("1000000") Double int8Tops,
        @PositiveOrZero @DecimalMax("100000") Double pricePerHour,
        @NotNull @PositiveOrZero @Max(1_000_000) Integer available,
        @Positive @Max(100_000) Integer cores,
        @Valid CalibrationRequest calibration) {

    /** What {@code quanta calibrate} measured (CPU types only); units as in {@link CpuCalibration}. */
    record CalibrationRequest(
            @NotNull @Positive @Max(100_000) Integer threads,
            @Size(max = 128) String kernels,
            @NotNull @Positive @DecimalMax("100000") Double readGbPerSecond,
            @NotNull @PositiveOrZero @DecimalMax("1") Double layerSeconds,
            @NotNull @PositiveOrZero @DecimalMax("1") Double layerSecondsPerElement,
            @NotNull @PositiveOrZero @DecimalMax("1") Double tokenSecondsPerVocabEntry,
            @NotNull @Positive @DecimalMax("1000000000") Double attentionGops,
            @NotNull @Positive @Max(1_000_000) Integer promptTokens,
            @NotNull @Size(min = 1, max = 64) List<@NotNull @Valid Rate> types) {

        record Rate(
                @NotNull @Size(min = 1, max = 16) String type,
                @NotNull @PositiveOrZero @DecimalMax("10") Double decodeCallSeconds,
                @NotNull @Positive @DecimalMax("1000000") Double decodeGbPerSecond,
                @NotNull @PositiveOrZero @DecimalMax("10") Double promptCallSeconds,
                @NotNull @Positive @DecimalMax("1000000000") Double promptGops) {}

        CpuCalibration toCalibration() {
            List<CpuCalibration.TypeRate> rates = types.stream().map(r -> new CpuCalibration.TypeRate(r.type(),
                    r.decodeCallSeconds(), r.decodeGbPerSecond(), r.promptCallSeconds(), r.promptGops())).toList();
            return new CpuCalibration(threads, kernels, readGbPerSecond, layerSeconds, layerSecondsPerElement,
                    tokenSecondsPerVocabEntry, attentionGops, promptTokens, rates, null);
        }
    }

    GpuSpec toSpec(String name) {
        return new GpuSpec(name, kind == null ? HardwareKind.GPU : kind, memoryGb, bandwidthGbPerSecond, fp16Tflops,
                fp8Tops, int8Tops, pricePerHour, available, cores,
                calibration == null ? null : calibration.toCalibration());
    }
}
