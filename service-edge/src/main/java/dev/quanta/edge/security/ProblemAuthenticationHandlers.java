package dev.quanta.edge.security;

import dev.quanta.edge.problem.ProblemType;
import dev.quanta.edge.problem.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The two refusals of the authorization rules as problems: no credential where one is needed is 401
 * {@code unauthorized} (with {@code WWW-Authenticate: Bearer}); a credential whose role may not do this is
 * 403 {@code forbidden}.
 */
final class ProblemAuthenticationHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ProblemWriter problems;
    private final String realm;

    ProblemAuthenticationHandlers(ProblemWriter problems, String realm) {
        this.problems = problems;
        this.realm = realm;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        problems.write(request, response, ProblemType.UNAUTHORIZED, null,
                request.getMethod() + " " + request.getRequestURI()
                        + " needs a credential: send 'Authorization: Bearer <token>'");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        problems.write(request, response, ProblemType.FORBIDDEN, null,
                "this credential may not " + request.getMethod() + " " + request.getRequestURI());
    }
}
