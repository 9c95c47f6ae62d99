package dev.quanta.edge.security;

import dev.quanta.edge.problem.ProblemType;
import dev.quanta.edge.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <token>} and, when the token is a configured credential, makes its
 * {@link EdgePrincipal} the request's authentication. No header: the request goes on anonymously (the
 * authorization rules decide). A header that is not a bearer token, or a token that matches no credential:
 * 401 {@code unauthorized} at once with {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750),
 * on every route, so a mistyped credential is never silently treated as anonymous.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final EdgeAuthenticationProvider provider;
    private final ProblemWriter problems;
    private final String realm;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    BearerTokenFilter(EdgeAuthenticationProvider provider, ProblemWriter problems, String realm) {
        this.provider = provider;
        this.problems = problems;
        this.realm = realm;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.substring(BEARER.length()).isBlank()) {
            refuse(request, response, "invalid_request",
                    "the Authorization header must be 'Bearer <token>'");
            return;
        }
        Authentication authentication;
        try {
            authentication = provider.authenticate(
                    new EdgeAuthenticationProvider.PresentedToken(header.substring(BEARER.length())));
        } catch (AuthenticationException e) {
            refuse(request, response, "invalid_token", "the bearer token is not a credential of this service");
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authentication);
        contexts.setContext(context);
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String error, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\", error=\"" + error + "\"");
        problems.write(request, response, ProblemType.UNAUTHORIZED, null, detail);
    }
}
