package dev.quanta.edge;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import dev.quanta.edge.security.EdgeAuthorization;
import dev.quanta.edge.security.EdgeRoutes;
import jakarta.validation.constraints.Min;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A minimal service using the edge: things (reads open, writes admin), leases (own worker), a gateway route. */
@SpringBootApplication
public class EdgeTestApplication {

    record Thing(String name, int size) {}

    @RestController
    static class Things {
        @GetMapping("/things/{name}")
        Thing get(@PathVariable String name) {
            if (name.equals("missing")) {
                throw ProblemException.notFound("thing", name);
            }
            return new Thing(name, 1);
        }

        @GetMapping("/things")
        Map<String, Object> list(@RequestParam(defaultValue = "10") @Min(1) int size) {
            return Map.of("size", size);
        }

        @PostMapping("/things")
        Thing create(@RequestBody Thing thing) {
            return thing;
        }

        @PutMapping("/leases/{id}")
        Map<String, String> renew(@PathVariable String id, Authentication who) {
            return Map.of("id", id, "by", who.getName());
        }

        @DeleteMapping("/leases/{id}")
        void release(@PathVariable String id) {}

        @GetMapping("/v1/models")
        Map<String, String> gateway(Authentication who) {
            return Map.of("key", who.getName());
        }

        @GetMapping("/fail")
        void fail() {
            throw new IllegalStateException("boom: internal detail that must not leak");
        }

        @GetMapping("/busy")
        void busy() {
            throw new ProblemException(ProblemType.UPSTREAM_UNAVAILABLE, "the registry is down");
        }
    }

    @Bean
    EdgeRoutes testRoutes() {
        return routes -> routes
                .requestMatchers(HttpMethod.PUT, "/leases/{id}").access(EdgeAuthorization.adminOrWorker("id"))
                .requestMatchers(HttpMethod.DELETE, "/leases/{id}").access(EdgeAuthorization.adminOrWorker("id"))
                .requestMatchers("/v1/**").hasAnyRole("API_KEY", "ADMIN");
    }
}
