package dev.quanta.registry.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every write (any method but GET, HEAD, OPTIONS, TRACE) needs {@code Authorization: Bearer <admin token>}.
 * Missing or malformed header: 401 with {@code WWW-Authenticate: Bearer}. Wrong token, or no token
 * configured at all (writes disabled): 403. The comparison is constant-time: SHA-256 digests of the
 * configured and the presented token are compared with {@link MessageDigest#isEqual}, so neither the
 * position of the first difference nor the token's length shows in the timing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdminTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenFilter.class);
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final String BEARER = "Bearer ";

    private final byte[] tokenDigest; // SHA-256 of the configured token; null when writes are disabled
    private final ProblemWriter problems;

    AdminTokenFilter(RegistryProperties properties, ProblemWriter problems) {
        this.tokenDigest = properties.writesEnabled() ? sha256(properties.adminToken().strip()) : null;
        this.problems = problems;
        if (tokenDigest == null) {
            log.warn("QUANTA_ADMIN_TOKEN (quanta.registry.admin-token) is not set: every write will be refused "
                    + "with 403 until it is configured; reads stay open");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (READ_METHODS.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.length() == BEARER.length()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"quanta-registry\"");
            problems.write(response, HttpStatus.UNAUTHORIZED, ProblemTypes.UNAUTHORIZED, "Admin token required",
                    "writes need the header 'Authorization: Bearer <admin token>'", request.getRequestURI());
            return;
        }
        if (tokenDigest == null) {
            problems.write(response, HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Writes disabled",
                    "no admin token is configured on this registry (set QUANTA_ADMIN_TOKEN)", request.getRequestURI());
            return;
        }
        if (!MessageDigest.isEqual(tokenDigest, sha256(header.substring(BEARER.length()).trim()))) {
            problems.write(response, HttpStatus.FORBIDDEN, ProblemTypes.FORBIDDEN, "Wrong admin token",
                    "the bearer token does not match the configured admin token", request.getRequestURI());
            return;
        }
        chain.doFilter(request, response);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
