package dev.quanta.planner.plan;

import dev.quanta.planner.domain.ModelShape;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * Body of POST /plan: a model shape that is not in the registry, and the same options as GET /plan.
 *
 * @param maxQualityLoss largest accepted perplexity increase in % of fp16 (same as {@code max_quality_loss})
 */
record AdHocPlanRequest(
        @NotNull @Valid Shape model,
        @Size(max = 64) String gpu,
        Integer context,
        Integer concurrency,
        Double maxQualityLoss) {

    /** The model shape; {@code fp16MemoryGb} defaults to parameters × 2 GB. */
    record Shape(
            @Size(max = 128) String key,
            @Size(max = 256) String name,
            @NotNull @Positive @DecimalMax("100000") Double parametersBillions,
            @Positive @DecimalMax("1000000") Double fp16MemoryGb,
            @NotNull @Positive @Max(10_000) Integer layers,
            @NotNull @Positive @Max(1_000_000) Integer hiddenSize,
            @NotNull @Positive @Max(10_000) Integer attentionHeads,
            @NotNull @Positive @Max(10_000) Integer kvHeads,
            @NotNull @Positive @Max(100_000) Integer headDim,
            @NotNull @Positive @Max(1 << 24) Integer contextLength,
            @PositiveOrZero Integer vocabSize) {

        ModelShape toShape() {
            return new ModelShape(key == null || key.isBlank() ? "ad-hoc" : key, name, parametersBillions,
                    fp16MemoryGb == null ? parametersBillions * 2 : fp16MemoryGb, layers, hiddenSize, attentionHeads,
                    kvHeads, headDim, contextLength, vocabSize == null ? 0 : vocabSize);
        }
    }
}
