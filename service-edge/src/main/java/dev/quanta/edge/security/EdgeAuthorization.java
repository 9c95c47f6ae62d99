package dev.quanta.edge.security;

import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/** Authorization rules the services share, for {@link EdgeRoutes}. */
public final class EdgeAuthorization {

    private EdgeAuthorization() {}

    /**
     * Admin, or the worker whose name equals the path variable {@code variable} (e.g. {@code /workers/{id}}):
     * a worker may create, renew and release its own lease and nobody else's.
     */
    public static AuthorizationManager<RequestAuthorizationContext> adminOrWorker(String variable) {
        return new AuthorizationManager<>() {
            @Override
            public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
                    RequestAuthorizationContext context) {
                Authentication auth = authentication.get();
                if (auth == null || !(auth.getPrincipal() instanceof EdgePrincipal principal)) {
                    return new AuthorizationDecision(false);
                }
                return new AuthorizationDecision(principal.role() == EdgeRole.ADMIN
                        || principal.role() == EdgeRole.WORKER
                                && principal.name().equals(context.getVariables().get(variable)));
            }
        };
    }

    /** Role names for {@code hasAnyRole(...)}. */
    public static String[] roles(EdgeRole... roles) {
        String[] names = new String[roles.length];
        for (int i = 0; i < roles.length; i++) {
            names[i] = roles[i].name();
        }
        return names;
    }
}
