package dev.quanta.planner.plan;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Plans", description = "Which quantization, on which GPUs, how many, and how fast")
class PlanController {

    private final PlanService service;

    PlanController(PlanService service) {
        this.service = service;
    }

    @GetMapping("/plan")
    @Operation(summary = "Plan a registry model on one GPU type (gpu=) or rank every inventory type (no gpu)")
    @ApiResponse(responseCode = "200", description = "PlanResponse with gpu=, RankingResponse without",
            content = @Content(schema = @Schema(oneOf = {PlanResponse.class, RankingResponse.class})))
    Object plan(
            @Parameter(description = "registry model key, e.g. qwen-72b") @RequestParam String model,
            @Parameter(description = "GPU or CPU node type, name or alias (L40S, H100, 4090)")
                    @RequestParam(required = false) String gpu,
            @Parameter(description = "tokens per sequence the KV cache must hold; default min(4096, model context)")
                    @RequestParam(required = false) Integer context,
            @Parameter(description = "concurrent sequences; default 1") @RequestParam(required = false)
                    Integer concurrency,
            @Parameter(description = "largest accepted perplexity increase, % of fp16 perplexity")
                    @RequestParam(name = "max_quality_loss", required = false) Double maxQualityLoss) {
        return service.planRegistered(model, gpu == null || gpu.isBlank() ? null : gpu, context, concurrency,
                maxQualityLoss);
    }

    @PostMapping("/plan")
    @Operation(summary = "Plan an ad-hoc model shape that is not in the registry")
    @ApiResponse(responseCode = "200", description = "PlanResponse with gpu, RankingResponse without",
            content = @Content(schema = @Schema(oneOf = {PlanResponse.class, RankingResponse.class})))
    Object planAdHoc(@Valid @RequestBody AdHocPlanRequest request) {
        return service.planAdHoc(request);
    }
}
