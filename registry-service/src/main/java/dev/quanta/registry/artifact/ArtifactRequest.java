package dev.quanta.registry.artifact;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /models/{key}/artifacts}. Quality fields are optional (not measured yet). */
@Schema(description = "A file of a model")
public record ArtifactRequest(
        @Schema(description = "File format, upper case", example = "GGUF")
        @NotBlank @Pattern(regexp = "^[A-Z0-9_]{1,32}$", message = "must be 1-32 upper-case letters, digits or '_'")
        String format,
        @Schema(description = "Quantization type as llama.cpp names it", example = "Q4_K_M")
        @NotBlank @Pattern(regexp = "^[A-Za-z0-9_.-]{1,32}$", message = "must be 1-32 letters, digits, '_', '.' or '-'")
        String quantType,
        @Schema(description = "Size in bytes", example = "4683073952") @NotNull @PositiveOrZero Long sizeBytes,
        @Schema(description = "SHA-256 of the file, 64 lower-case hex digits")
        @NotBlank @Pattern(regexp = "^[0-9a-f]{64}$", message = "must be 64 lower-case hex digits") String sha256,
        @Schema(description = "Where the file is (path under the models directory or URL)",
                example = "qwen2.5-7b-instruct-q4_k_m.gguf")
        @NotBlank @Size(max = 1024) String location,
        @Schema(description = "Perplexity on the evaluation text") @Positive Double perplexity,
        @Schema(description = "Mean KL divergence vs the fp16 file, nats") @PositiveOrZero Double klDivergence,
        @Schema(description = "Fraction of positions whose top token equals fp16's")
        @PositiveOrZero @DecimalMax("1.0") Double sameTopTokenRate) {}
