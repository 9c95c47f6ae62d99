package dev.quanta.registry.artifact;

import dev.quanta.registry.api.ArtifactResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/models/{key}/artifacts")
@Tag(name = "artifacts", description = "Files of a model with their measured quality")
class ArtifactController {

    private final ArtifactService service;

    ArtifactController(ArtifactService service) {
        this.service = service;
    }

    @PostMapping
    @Operation(summary = "Add an artifact (admin token); 404 for an unknown model, 409 for a known location")
    ResponseEntity<ArtifactResponse> create(@PathVariable String key, @Valid @RequestBody ArtifactRequest request) {
        ArtifactResponse created = service.create(key, request);
        return ResponseEntity.created(URI.create("/models/" + key + "/artifacts/" + created.id())).body(created);
    }

    @GetMapping
    @Operation(summary = "The artifacts of a model, oldest first")
    List<ArtifactResponse> list(@PathVariable String key) {
        return service.list(key);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One artifact of a model")
    ArtifactResponse get(@PathVariable String key, @PathVariable long id) {
        return service.get(key, id);
    }

    @PutMapping("/{id}/quality")
    @Operation(summary = "Report the artifact's measured quality and speed (admin token)", description = """
            Replaces every measurement: perplexity, KL divergence and same-top-token rate against the fp16
            file, and decode/prompt tokens per second on the machine named by measuredOn (required with a
            speed). A field sent as null (or left out) is "not measured". Importing a file with different
            content clears the measurements again.""")
    ArtifactResponse report(@PathVariable String key, @PathVariable long id,
            @Valid @RequestBody QualityReport report) {
        return service.report(key, id, report);
    }
}
