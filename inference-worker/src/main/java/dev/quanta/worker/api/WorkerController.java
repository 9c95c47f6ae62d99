package dev.quanta.worker.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The worker's own endpoints: {@code /health} (200 once loaded, 503 problem details before) and {@code /metrics}. */
@RestController
class WorkerController {

    private final WorkerState state;

    WorkerController(WorkerState state) {
        this.state = state;
    }

    @GetMapping("/health")
    ResponseEntity<Object> health(HttpServletRequest request) {
        try {
            state.serving();
            return ResponseEntity.ok().build();
        } catch (OpenAiException e) {
            return ApiErrorHandler.respond(request, e);
        }
    }

    @GetMapping("/metrics")
    ResponseEntity<String> metrics() {
        ServedModel m = state.loadedOrNull();
        String body = MetricsExposition.render(state.servedName(), m == null ? null : m.engine().stats(),
                state.metrics());
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(MetricsExposition.CONTENT_TYPE)).body(body);
    }
}
