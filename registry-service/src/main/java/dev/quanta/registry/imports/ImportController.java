package dev.quanta.registry.imports;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "import", description = "Create or update a profile and artifact from a GGUF file's header")
class ImportController {

    private final ImportService service;
    private final ImportJobs jobs;

    ImportController(ImportService service, ImportJobs jobs) {
        this.service = service;
        this.jobs = jobs;
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

    @PostMapping("/imports")
    @Operation(summary = "Start importing a (large) GGUF file without waiting for its hash (admin token)",
            description = """
            Checks the path and reads the header at once (the same 403/404/422 as POST /models:import), then
            answers 202 with the job and Location: /imports/{id}; the file is hashed and stored in the
            background. Poll GET /imports/{id}: state QUEUED, HASHING (hashedBytes of totalBytes), then
            SUCCEEDED with 'result' (as POST /models:import returns it) or FAILED with 'problem'. 503 when too
            many imports are waiting.""")
    ResponseEntity<ImportJob.ImportJobResponse> start(@Valid @RequestBody ImportRequest request) {
        ImportJob job = jobs.start(request);
        return ResponseEntity.accepted().location(URI.create("/imports/" + job.id())).body(job.view());
    }

    @GetMapping("/imports/{id}")
    @Operation(summary = "An import job: its state, progress and result")
    ImportJob.ImportJobResponse job(@PathVariable String id) {
        return jobs.get(id).view();
    }
}
