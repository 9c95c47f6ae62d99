package dev.quanta.registry.artifact;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * Body of {@code PUT /models/{key}/artifacts/{id}/quality}: what was measured on the file, each nullable
 * (not measured). Quality is against the model's fp16 file on the project's evaluation text.
 */
@Schema(description = "Measured quality and speed of an artifact")
public record QualityReport(
        @Schema(description = "Perplexity on the evaluation text", example = "6.97") @Positive Double perplexity,
        @Schema(description = "Mean KL divergence vs the fp16 file, nats", example = "0.031")
        @PositiveOrZero Double klDivergence,
        @Schema(description = "Fraction of positions whose top token equals fp16's, 0..1", example = "0.94")
        @PositiveOrZero @DecimalMax("1.0") Double sameTopTokenRate,
        @Schema(description = "Single-stream decode speed, tokens/s", example = "21.4") @Positive
        Double decodeTokensPerSecond,
        @Schema(description = "Prompt-processing speed, tokens/s", example = "160.2") @Positive
        Double promptTokensPerSecond,
        @Schema(description = "Machine or node type the speeds were measured on", example = "cpu-avx512-2c")
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$",
                message = "must be 1-128 letters, digits, '.', '_', '-' or spaces") String measuredOn) {}
