package dev.quanta.registry.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A model profile as the API returns it. These JSON names are a contract with the planner: keep them stable.
 *
 * @param parametersBillions parameters in billions
 * @param fp16MemoryGb memory of the fp16 weights in GB
 * @param version optimistic-lock version; send it back on {@code PUT}
 */
@Schema(description = "A model profile; field names are stable (the planner reads them)")
@JsonIgnoreProperties(ignoreUnknown = true) // NOTE: a newer registry may add fields; old clients read on
public record ModelProfileResponse(
        @Schema(example = "qwen-72b") String key,
        @Schema(example = "Qwen2.5-72B") String name,
        @Schema(example = "qwen") String family,
        @Schema(example = "qwen2") String architecture,
        @Schema(description = "Parameters in billions", example = "72") double parametersBillions,
        @Schema(description = "fp16 weight memory in GB", example = "144") double fp16MemoryGb,
        @Schema(example = "80") int layers,
        @Schema(example = "8192") int hiddenSize,
        @Schema(example = "64") int attentionHeads,
        @Schema(example = "8") int kvHeads,
        @Schema(example = "128") int headDim,
        @Schema(example = "131072") int contextLength,
        @Schema(example = "152064") int vocabSize,
        @Schema(description = "Optimistic-lock version", example = "0") long version) {
}
