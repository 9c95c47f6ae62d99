package dev.quanta.registry.worker;

import dev.quanta.edge.security.EdgeAuthorization;
import dev.quanta.edge.security.EdgeRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may write a lease: an admin, or the worker whose credential is named by the lease's id (its
 * {@code QUANTA_WORKER_TOKEN}, configured as {@code quanta.edge.worker-tokens: <id>=<secret or sha256:hex>}).
 * A worker's credential opens nothing else: a compromised worker cannot touch models or other leases.
 */
@Configuration(proxyBeanMethods = false)
class WorkerSecurity {

    @Bean
    EdgeRoutes workerLeaseRoutes() {
        return routes -> routes
                .requestMatchers(HttpMethod.PUT, "/workers/{id}").access(EdgeAuthorization.adminOrWorker("id"))
                .requestMatchers(HttpMethod.DELETE, "/workers/{id}").access(EdgeAuthorization.adminOrWorker("id"));
    }
}
