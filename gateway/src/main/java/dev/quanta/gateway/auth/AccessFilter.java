package dev.quanta.gateway.auth;

import dev.quanta.gateway.web.ErrorWriter;
import dev.quanta.gateway.web.GatewayException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may call what on the public port:
 * <ul>
 *   <li>{@code /actuator/health/**}: anyone (probes);</li>
 *   <li>{@code /v1/**} and {@code /api/**}: a valid API key ({@code Authorization: Bearer <key>});</li>
 *   <li>{@code /platform/**}: an API key (forwarded without it: reads) or the admin token (forwarded: writes);</li>
 *   <li>everything else ({@code /actuator/prometheus}, {@code /v3/api-docs}): the admin token.</li>
 * </ul>
 * Refusals are 401 in the shape of the API asked. NOTE: kept to this one class so that the shared security
 * module (service-edge) can replace it without touching the proxy.
 */
public class AccessFilter extends OncePerRequestFilter {

    /** Request attribute set to TRUE when the admin token was presented. */
    public static final String ADMIN = AccessFilter.class.getName() + ".admin";

    private final KeyRing keys;

    public AccessFilter(KeyRing keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        if ("OPTIONS".equals(request.getMethod()) || path.equals("/actuator/health")
                || path.startsWith("/actuator/health/")) {
            chain.doFilter(request, response);
            return;
        }
        String token = KeyRing.bearer(request.getHeader("Authorization"));
        boolean inference = path.startsWith("/v1/") || path.startsWith("/api/");
        boolean platform = path.startsWith("/platform/");
        if (inference || platform) {
            var key = keys.apiKey(token);
            if (key.isPresent()) {
                request.setAttribute(ApiKey.ATTRIBUTE, key.get());
                chain.doFilter(request, response);
                return;
            }
        }
        if (!inference && keys.isAdmin(token)) {
            request.setAttribute(ADMIN, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        String message = token == null ? "missing API key: send Authorization: Bearer <key>"
                : inference ? "invalid API key" : "this endpoint needs the admin token";
        ErrorWriter.write(response, path, path, new GatewayException(401, "authentication_error", message));
    }
}
