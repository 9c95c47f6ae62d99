package dev.quanta.registry.model;

import dev.quanta.registry.api.PageResponse;
import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.edge.problem.ProblemException;
import dev.quanta.registry.system.RegistryProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/models")
@Tag(name = "models", description = "Model profiles: the shape of each model, read by the planner")
class ModelController {

    private final ModelService service;
    private final int maxPageSize;

    ModelController(ModelService service, RegistryProperties properties) {
        this.service = service;
        this.maxPageSize = properties.maxPageSize();
    }

    @PostMapping
    @Operation(summary = "Create a profile (admin token); 409 if the key exists")
    ResponseEntity<ModelProfileResponse> create(@Valid @RequestBody CreateModelRequest request) {
        ModelProfileResponse created = service.create(request);
        return ResponseEntity.created(URI.create("/models/" + created.key()))
                .eTag(etag(created.version())).body(created);
    }

    @GetMapping
    @Operation(summary = "List profiles by key, a page at a time; filter by family and/or architecture")
    PageResponse<ModelProfileResponse> list(
            @RequestParam(required = false) String family,
            @RequestParam(required = false) String architecture,
            @Parameter(description = "Page number from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "Page size, 1 to quanta.registry.max-page-size (200)")
            @RequestParam(defaultValue = "20") @Min(1) @Max(10_000) int size) {
        if (size > maxPageSize) {
            throw ProblemException.invalid("size", "size must be at most " + maxPageSize + ", got " + size);
        }
        return service.list(family, architecture, page, size);
    }

    @GetMapping("/{key}")
    @Operation(summary = "One profile; its ETag is the version to send back on PUT")
    ResponseEntity<ModelProfileResponse> get(@PathVariable String key) {
        ModelProfileResponse profile = service.get(key);
        return ResponseEntity.ok().eTag(etag(profile.version())).body(profile);
    }

    @PutMapping("/{key}")
    @Operation(summary = "Replace a profile (admin token), based on the version read: body 'version' or "
            + "If-Match: \"<version>\" (If-Match wins); a stale version gets 409")
    ResponseEntity<ModelProfileResponse> update(@PathVariable String key,
            @Valid @RequestBody UpdateModelRequest request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        Long version = ifMatch != null ? parseIfMatch(ifMatch) : request.version();
        ModelProfileResponse updated = service.update(key, request, version);
        return ResponseEntity.ok().eTag(etag(updated.version())).body(updated);
    }

    @DeleteMapping("/{key}")
    @Operation(summary = "Delete a profile and its artifacts (admin token)")
    ResponseEntity<Void> delete(@PathVariable String key) {
        service.delete(key);
        return ResponseEntity.noContent().build();
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    private static Long parseIfMatch(String ifMatch) {
        String value = ifMatch.strip();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("If-Match", "If-Match must be the ETag of GET /models/{key}, e.g. \"3\"");
        }
    }
}
