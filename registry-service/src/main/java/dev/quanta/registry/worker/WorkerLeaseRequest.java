package dev.quanta.registry.worker;

import dev.quanta.registry.model.ModelKeys;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Body of {@code PUT /workers/{id}}: what the worker serves and where. */
@Schema(description = "A worker's lease request (sent again as its heartbeat)")
public record WorkerLeaseRequest(
        @Schema(description = "Key of the model the worker serves", example = "qwen-7b")
        @NotBlank @Pattern(regexp = ModelKeys.PATTERN, message = ModelKeys.MESSAGE) String modelKey,
        @Schema(description = "Where the worker answers", example = "http://10.0.0.7:8090")
        @NotBlank @Size(max = 512) @Pattern(regexp = "^https?://[^\\s/?#]+(/[^\\s]*)?$",
                message = "must be an http:// or https:// URL") String baseUrl,
        @Schema(description = "Concurrent sequences the worker accepts", example = "8")
        @NotNull @Positive @Max(1_000_000) Integer capacity) {}
