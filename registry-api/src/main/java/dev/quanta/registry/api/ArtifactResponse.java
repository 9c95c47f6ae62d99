package dev.quanta.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An artifact as the API returns it; measurements are null until someone reports them
 * ({@code PUT /models/{key}/artifacts/{id}/quality}) and are cleared when the file's content changes.
 *
 * @param sizeBytes bytes on disk
 * @param perplexity on the project's evaluation text; lower is better
 * @param klDivergence mean KL(fp16 || this) over next-token distributions, nats
 * @param sameTopTokenRate fraction of positions whose argmax token equals fp16's, 0..1
 * @param decodeTokensPerSecond measured single-stream decode speed, tokens/s
 * @param promptTokensPerSecond measured prompt-processing speed, tokens/s
 * @param measuredOn the machine or node type the speeds were measured on
 */
@Schema(description = "A file of a model with its measured quality and speed")
@JsonIgnoreProperties(ignoreUnknown = true) // NOTE: a newer registry may add fields; old clients read on
public record ArtifactResponse(
        long id,
        String modelKey,
        @Schema(example = "GGUF") String format,
        @Schema(example = "Q4_K_M") String quantType,
        @Schema(description = "Bytes on disk") long sizeBytes,
        String sha256,
        String location,
        @Schema(description = "Perplexity on the evaluation text") Double perplexity,
        @Schema(description = "Mean KL divergence vs the fp16 file, nats") Double klDivergence,
        @Schema(description = "Fraction of positions whose top token equals fp16's, 0..1") Double sameTopTokenRate,
        @Schema(description = "Measured single-stream decode speed, tokens/s") Double decodeTokensPerSecond,
        @Schema(description = "Measured prompt-processing speed, tokens/s") Double promptTokensPerSecond,
        @Schema(description = "Machine or node type of the speed measurements", example = "cpu-avx512-2c")
        String measuredOn) {}
