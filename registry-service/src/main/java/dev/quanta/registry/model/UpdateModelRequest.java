package dev.quanta.registry.model;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code PUT /models/{key}}: a full replacement of the descriptive fields, based on {@code version}
 * (the version the client read). The version may instead come in an {@code If-Match} header.
 */
@Schema(description = "Replacement of a model profile, based on the version the client read")
public record UpdateModelRequest(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Pattern(regexp = ModelKeys.NAME_PATTERN, message = ModelKeys.NAME_MESSAGE) String family,
        @NotBlank @Pattern(regexp = ModelKeys.NAME_PATTERN, message = ModelKeys.NAME_MESSAGE) String architecture,
        @NotNull @Positive @DecimalMax("100000") Double parametersBillions,
        @Positive @DecimalMax("1000000") Double fp16MemoryGb,
        @NotNull @Positive @Max(100_000) Integer layers,
        @NotNull @Positive @Max(1_000_000) Integer hiddenSize,
        @NotNull @Positive @Max(100_000) Integer attentionHeads,
        @Positive @Max(100_000) Integer kvHeads,
        @Positive @Max(100_000) Integer headDim,
        @NotNull @Positive Integer contextLength,
        @NotNull @Positive Integer vocabSize,
        @Schema(description = "The version this update is based on (or send If-Match: \"<version>\")")
        @PositiveOrZero Long version)
        implements ModelFields {}
