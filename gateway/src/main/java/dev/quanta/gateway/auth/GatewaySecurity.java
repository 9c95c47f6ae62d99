package dev.quanta.gateway.auth;

import dev.quanta.edge.security.EdgeAuthenticationProvider;
import dev.quanta.edge.security.EdgeAuthorization;
import dev.quanta.edge.security.EdgeRole;
import dev.quanta.gateway.web.ErrorWriter;
import dev.quanta.gateway.web.GatewayException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The gateway's filter chain on the shared edge's credentials (hashed, constant-time, roles from
 * {@code quanta.edge.*}): the edge's rules, except that refusals on the mirrored APIs come in their own
 * shape (OpenAI's on {@code /v1}, Ollama's on {@code /api}), which is why the gateway defines its chain:
 * <ul>
 *   <li>actuator health and info: open; other actuator endpoints: ADMIN or METRICS; API docs: ADMIN;</li>
 *   <li>{@code /v1/**}, {@code /api/**}: API_KEY or ADMIN;</li>
 *   <li>{@code /platform/**}: API_KEY or ADMIN (the admin token is passed on to the service for writes);</li>
 *   <li>anything else: ADMIN.</li>
 * </ul>
 */
@Configuration
public class GatewaySecurity {

    @Bean
    SecurityFilterChain gatewayFilterChain(HttpSecurity http, EdgeAuthenticationProvider provider) throws Exception {
        String[] clients = EdgeAuthorization.roles(EdgeRole.API_KEY, EdgeRole.ADMIN);
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                // no Servlet API security (getUserPrincipal, isUserInRole): the gateway reads the SecurityContext,
                // and the wrapper would sit under every header and attribute read of the request
                .servletApi(servletApi -> servletApi.disable())
                .anonymous(anonymous -> anonymous.disable())
                // no sessions at all: every request carries its credential (nothing here creates or reads a
                // session; disabled, the session-management and URL-encoding filters leave the chain)
                .sessionManagement(s -> s.disable())
                // the security headers written before the request is handled, not on commit: no response wrapper
                // under every write and flush of the answer (about 2 % of a proxied request's CPU)
                .headers(headers -> headers.cacheControl(cache -> cache.disable())
                        .addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                            @Override
                            public <O extends HeaderWriterFilter> O postProcess(O filter) {
                                filter.setShouldWriteHeadersEagerly(true);
                                return filter;
                            }
                        }))
                .addFilterBefore(new BearerFilter(provider), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> refuse(request, response, 401,
                                "missing API key: send 'Authorization: Bearer <key>'"))
                        .accessDeniedHandler((request, response, ex) -> refuse(request, response, 403,
                                "this credential may not " + request.getMethod() + " " + request.getRequestURI())))
                .authorizeHttpRequests(rules -> rules
                        .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC).permitAll()
                        // the inference calls early: the rules are tried in order, and these are nearly every
                        // request (no rule below matches a POST under /v1 or /api otherwise: same decisions)
                        .requestMatchers(HttpMethod.POST, "/v1/**", "/api/**").hasAnyRole(clients)
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/actuator", "/actuator/**")
                                .hasAnyRole(EdgeAuthorization.roles(EdgeRole.ADMIN, EdgeRole.METRICS))
                        .requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()
                        .requestMatchers("/v1/**", "/api/**", "/platform/**").hasAnyRole(clients)
                        .anyRequest().hasRole(EdgeRole.ADMIN.name()));
        return http.build();
    }

    /**
     * No observation of each security filter, authentication and authorization: with them, Micrometer's
     * bookkeeping was the largest single cost of a proxied request (more than the proxying); requests stay
     * observed as a whole by {@code http.server.requests} and the gateway's own metrics.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** The caller of the current request as an {@link ApiKey}, or null when anonymous. */
    public static ApiKey currentKey() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? null : new ApiKey(auth.getName());
    }

    /** Whether the current caller holds the admin role. */
    public static boolean isAdmin() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals(EdgeRole.ADMIN.authority()));
    }

    static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        String path = request.getRequestURI();
        ErrorWriter.write(response, path, path, new GatewayException(status,
                status == 401 ? "authentication_error" : "permission_error", message));
    }

    /**
     * {@code Authorization: Bearer <token>} checked against the edge's credential store; no header goes on
     * anonymously (the rules decide), a header that is no credential is refused at once.
     */
    static final class BearerFilter extends OncePerRequestFilter {
        private final EdgeAuthenticationProvider provider;

        BearerFilter(EdgeAuthenticationProvider provider) {
            this.provider = provider;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null) {
                chain.doFilter(request, response);
                return;
            }
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
                refuse(request, response, 401, "the Authorization header must be 'Bearer <key>'");
                return;
            }
            try {
                Authentication auth = provider.authenticate(
                        new EdgeAuthenticationProvider.PresentedToken(header.substring(7)));
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(auth);
                SecurityContextHolder.setContext(context);
            } catch (AuthenticationException e) {
                refuse(request, response, 401, "invalid API key");
                return;
            }
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }

}
