package dev.quanta.planner.plan;

import dev.quanta.planner.domain.GgufTensor;
import dev.quanta.planner.domain.ModelShape;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of POST /plan: a model shape that is not in the registry, and the same options as GET /plan.
 *
 * @param maxQualityLoss largest accepted perplexity increase in % of fp16 (same as {@code max_quality_loss})
 * @param promptTokens prompt length of the CPU worker prediction (default 512)
 * @param generatedTokens generated tokens of the CPU worker prediction (default 128)
 */
record AdHocPlanRequest(
        @NotNull @Valid Shape model,
        @Size(max = 64) String gpu,
        Integer context,
        Integer concurrency,
        Double maxQualityLoss,
        @Positive @Max(1 << 20) Integer promptTokens,
        @Positive @Max(1 << 20) Integer generatedTokens) {

    /** Default prompt length of the CPU worker prediction (llama-bench's pp512). */
    static final int DEFAULT_PROMPT_TOKENS = 512;
    /** Default generated tokens of the CPU worker prediction (llama-bench's tg128). */
    static final int DEFAULT_GENERATED_TOKENS = 128;

    /**
     * One tensor of the GGUF file as {@code quanta gguf-info --json} lists it: {@code shape} in GGUF order (ne[0],
     * the row length, first), {@code bytes} of data.
     */
    record Tensor(@NotNull @Size(min = 1, max = 256) String name, @NotNull @Size(min = 1, max = 16) String type,
            @NotNull @Size(min = 1, max = 4) List<@NotNull @Positive Long> shape, @NotNull @Positive Long bytes) {

        GgufTensor toTensor() {
            long rows = 1;
            for (int i = 1; i < shape.size(); i++) {
                rows = Math.multiplyExact(rows, shape.get(i));
            }
            return new GgufTensor(name, type, shape.getFirst(), rows, bytes);
        }
    }

    /**
     * The model shape; {@code fp16MemoryGb} defaults to parameters × 2 GB. {@code tensors}: the GGUF file's tensor
     * table, for the CPU worker prediction on a calibrated CPU node.
     */
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
            @PositiveOrZero Integer vocabSize,
            @Size(max = 4096) List<@NotNull @Valid Tensor> tensors) {

        /** The GGUF tensor table, empty when not sent. */
        List<GgufTensor> ggufTensors() {
            return tensors == null ? List.of() : tensors.stream().map(Tensor::toTensor).toList();
        }

        ModelShape toShape() {
            return new ModelShape(key == null || key.isBlank() ? "ad-hoc" : key, name, parametersBillions,
                    fp16MemoryGb == null ? parametersBillions * 2 : fp16MemoryGb, layers, hiddenSize, attentionHeads,
                    kvHeads, headDim, contextLength, vocabSize == null ? 0 : vocabSize);
        }
    }
}
