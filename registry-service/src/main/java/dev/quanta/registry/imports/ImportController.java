package dev.quanta.registry.imports;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "import", description = "Create or update a profile and artifact from a GGUF file's header")
class ImportController {

    private final ImportService service;

    ImportController(ImportService service) {
        this.service = service;
    }

    @PostMapping("/models:import")
    @Operation(summary = "Import a GGUF file from the models directory (admin token)", description = """
            201 when the profile or the artifact was created, 200 when both existed (importing the same file
            again updates, never duplicates). 403 for a path outside the models directory (.., absolute
            elsewhere, symlinks out), 404 for a missing file, 422 for a file that is not a readable GGUF
            (or lacks the metadata a profile needs); each problem names the field 'path'.""")
    ResponseEntity<ImportResponse> importFile(@Valid @RequestBody ImportRequest request) {
        ImportResponse result = service.importFile(request);
        HttpStatus status = result.modelCreated() || result.artifactCreated() ? HttpStatus.CREATED : HttpStatus.OK;
        return ResponseEntity.status(status).location(URI.create("/models/" + result.model().key())).body(result);
    }
}
