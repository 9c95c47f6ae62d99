package dev.quanta.registry.model;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /models}. Optional: {@code fp16MemoryGb}, {@code kvHeads}, {@code headDim}. */
@Schema(description = "A new model profile")
public record CreateModelRequest(
        @Schema(description = "Stable identifier, lower case", example = "qwen-72b")
        @NotBlank @Pattern(regexp = ModelKeys.PATTERN, message = ModelKeys.MESSAGE) String key,
        @Schema(example = "Qwen2.5-72B") @NotBlank @Size(max = 200) String name,
        @Schema(example = "qwen") @NotBlank @Pattern(regexp = ModelKeys.NAME_PATTERN, message = ModelKeys.NAME_MESSAGE)
        String family,
        @Schema(description = "GGUF general.architecture", example = "qwen2")
        @NotBlank @Pattern(regexp = ModelKeys.NAME_PATTERN, message = ModelKeys.NAME_MESSAGE) String architecture,
        @Schema(description = "Parameters in billions", example = "72")
        @NotNull @Positive @DecimalMax("100000") Double parametersBillions,
        @Schema(description = "fp16 weight memory in GB; parametersBillions x 2 when absent", example = "144")
        @Positive @DecimalMax("1000000") Double fp16MemoryGb,
        @Schema(example = "80") @NotNull @Positive @Max(100_000) Integer layers,
        @Schema(example = "8192") @NotNull @Positive @Max(1_000_000) Integer hiddenSize,
        @Schema(example = "64") @NotNull @Positive @Max(100_000) Integer attentionHeads,
        @Schema(description = "KV heads; attentionHeads when absent", example = "8")
        @Positive @Max(100_000) Integer kvHeads,
        @Schema(description = "Head dimension; hiddenSize / attentionHeads when absent", example = "128")
        @Positive @Max(100_000) Integer headDim,
        @Schema(example = "131072") @NotNull @Positive Integer contextLength,
        @Schema(example = "152064") @NotNull @Positive Integer vocabSize)
        implements ModelFields {}
