package dev.quanta.edge.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A service's own authorization rules, added to the edge's filter chain after the actuator and API-docs
 * rules and before the defaults (reads open when {@code quanta.edge.anonymous-reads}, everything else
 * {@code ADMIN}). Declare one or more as beans; they apply in their {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * EdgeRoutes leaseRoutes() {
 *     return routes -> routes.requestMatchers(HttpMethod.PUT, "/workers/{id}").access(EdgeAuthorization.adminOrWorker("id"));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface EdgeRoutes {

    void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry routes);
}
