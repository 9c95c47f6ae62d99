package dev.quanta.edge.security;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.edge.problem.ProblemWriter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Builds the edge's filter chain: stateless bearer authentication ({@link BearerTokenFilter}), problem+json
 * 401/403, and the rules in this order:
 *
 * <ol>
 *   <li>actuator health (and its probes) and info: open;
 *   <li>every other actuator endpoint (metrics, prometheus): ADMIN or METRICS;
 *   <li>OpenAPI document and Swagger UI: ADMIN (open with {@code quanta.edge.public-api-docs=true});
 *   <li>the service's own {@link EdgeRoutes};
 *   <li>GET/HEAD/OPTIONS: open when {@code quanta.edge.anonymous-reads} (the default);
 *   <li>anything else: ADMIN.
 * </ol>
 *
 * A service normally gets this chain from the auto-configuration; one that defines its own
 * {@code SecurityFilterChain} can call {@link #apply} to start from the same rules.
 */
public final class EdgeSecurity {

    private final EdgeProperties properties;
    private final EdgeAuthenticationProvider provider;
    private final ProblemWriter problems;
    private final Environment environment;

    public EdgeSecurity(EdgeProperties properties, EdgeAuthenticationProvider provider, ProblemWriter problems,
            Environment environment) {
        this.properties = properties;
        this.provider = provider;
        this.problems = problems;
        this.environment = environment;
    }

    /** Configures {@code http} with the edge's authentication and rules, {@code routes} in between, and builds it. */
    public SecurityFilterChain apply(HttpSecurity http, List<EdgeRoutes> routes) throws Exception {
        ProblemAuthenticationHandlers handlers = new ProblemAuthenticationHandlers(problems, properties.realm());
        String actuator = trimSlash(environment.getProperty("management.endpoints.web.base-path", "/actuator"));
        String apiDocs = trimSlash(environment.getProperty("springdoc.api-docs.path", "/v3/api-docs"));
        String swagger = environment.getProperty("springdoc.swagger-ui.path", "/swagger-ui.html");
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // NOTE: the services set their own caching headers (ETag, If-None-Match); Spring Security's
                // blanket no-store would override them.
                .headers(headers -> headers.cacheControl(cache -> cache.disable()))
                .addFilterBefore(new BearerTokenFilter(provider, problems, properties.realm()),
                        AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .authorizeHttpRequests(rules -> {
                    rules.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll();
                    rules.requestMatchers(actuator + "/health", actuator + "/health/**", actuator + "/info")
                            .permitAll();
                    rules.requestMatchers(actuator, actuator + "/**")
                            .hasAnyRole(EdgeAuthorization.roles(EdgeRole.ADMIN, EdgeRole.METRICS));
                    String[] docs = {apiDocs, apiDocs + "/**", apiDocs + ".yaml", swagger, "/swagger-ui/**"};
                    if (properties.publicApiDocs()) {
                        rules.requestMatchers(docs).permitAll();
                    } else {
                        rules.requestMatchers(docs).hasRole(EdgeRole.ADMIN.name());
                    }
                    routes.forEach(r -> r.authorize(rules));
                    if (properties.anonymousReads()) {
                        rules.requestMatchers(HttpMethod.GET, "/**").permitAll()
                                .requestMatchers(HttpMethod.HEAD, "/**").permitAll()
                                .requestMatchers(HttpMethod.OPTIONS, "/**").permitAll();
                    }
                    rules.anyRequest().hasRole(EdgeRole.ADMIN.name());
                });
        return http.build();
    }

    private static String trimSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
