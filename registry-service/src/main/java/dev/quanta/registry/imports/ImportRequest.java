package dev.quanta.registry.imports;

import dev.quanta.registry.model.ModelKeys;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /models:import}. */
@Schema(description = "A GGUF file to import from the models directory")
public record ImportRequest(
        @Schema(description = "Path relative to the models directory (or absolute inside it)",
                example = "qwen2.5-0.5b-instruct-q4_k_m.gguf")
        @NotBlank @Size(max = 4096) String path,
        @Schema(description = "Profile key to use instead of the one derived from the file", example = "qwen2.5-0.5b")
        @Pattern(regexp = ModelKeys.PATTERN, message = ModelKeys.MESSAGE) String key) {}
