package dev.quanta.planner.system;

import dev.quanta.planner.config.PlannerProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.HandlerInterceptor;

/** Writes need {@code Authorization: Bearer <QUANTA_ADMIN_TOKEN>}, compared in constant time. */
class AdminTokenInterceptor implements HandlerInterceptor {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String PREFIX = "Bearer ";

    private final PlannerProperties properties;

    AdminTokenInterceptor(PlannerProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (READS.contains(request.getMethod())) {
            return true;
        }
        if (!properties.hasAdminToken()) {
            throw new AdminAuthException(HttpStatus.FORBIDDEN,
                    "inventory writes are disabled: QUANTA_ADMIN_TOKEN is not configured");
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new AdminAuthException(HttpStatus.UNAUTHORIZED, "this write needs Authorization: Bearer <admin token>");
        }
        byte[] given = header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = properties.adminToken().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            throw new AdminAuthException(HttpStatus.UNAUTHORIZED, "the admin token is wrong");
        }
        return true;
    }
}
