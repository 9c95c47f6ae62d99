package dev.quanta.registry.worker;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/workers")
@Tag(name = "workers", description = "Leases of inference workers; renew before the TTL runs out")
class WorkerController {

    private final WorkerLeaseService service;

    WorkerController(WorkerLeaseService service) {
        this.service = service;
    }

    /** A lease as the API returns it; {@code ttlSeconds} says how often to renew. */
    record WorkerLeaseResponse(String id, String modelKey, String baseUrl, int capacity, Instant renewedAt,
            Instant expiresAt, long ttlSeconds) {}

    @PutMapping("/{id}")
    @Operation(summary = "Create (201) or renew (200) a worker's lease (admin token)")
    ResponseEntity<WorkerLeaseResponse> renew(@PathVariable String id, @Valid @RequestBody WorkerLeaseRequest request) {
        WorkerLeaseService.Renewal renewal = service.renew(id, request);
        return ResponseEntity.status(renewal.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(response(renewal.lease()));
    }

    @GetMapping
    @Operation(summary = "Live workers (lease not lapsed), optionally of one model")
    List<WorkerLeaseResponse> live(@Parameter(description = "Model key") @RequestParam(required = false) String model) {
        return service.live(model).stream().map(this::response).toList();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Release a lease at once, e.g. on graceful shutdown (admin token)")
    ResponseEntity<Void> release(@PathVariable String id) {
        service.release(id);
        return ResponseEntity.noContent().build();
    }

    private WorkerLeaseResponse response(WorkerLease lease) {
        return new WorkerLeaseResponse(lease.id(), lease.modelKey(), lease.baseUrl(), lease.capacity(),
                lease.renewedAt(), lease.expiresAt(), service.ttl().toSeconds());
    }
}
