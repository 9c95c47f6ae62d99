package dev.quanta.edge.security;

import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Authenticates a presented bearer token against the {@link CredentialStore}: the result's principal is an
 * {@link EdgePrincipal} with the credential's name and one authority, {@code ROLE_<role>}. Being an
 * {@link AuthenticationProvider} bean also keeps Spring Boot from creating its default user with a printed
 * password.
 */
public final class EdgeAuthenticationProvider implements AuthenticationProvider {

    /** A token as it arrived, not yet checked. */
    public static final class PresentedToken extends org.springframework.security.authentication.AbstractAuthenticationToken {
        private final String token;

        public PresentedToken(String token) {
            super(List.of());
            this.token = token;
        }

        @Override
        public Object getCredentials() {
            return token;
        }

        @Override
        public Object getPrincipal() {
            return "bearer";
        }
    }

    private final CredentialStore store;

    public EdgeAuthenticationProvider(CredentialStore store) {
        this.store = store;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = (String) authentication.getCredentials();
        Credential credential = store.find(token)
                .orElseThrow(() -> new BadCredentialsException("the bearer token is not a credential of this service"));
        EdgePrincipal principal = new EdgePrincipal(credential.name(), credential.role());
        return UsernamePasswordAuthenticationToken.authenticated(principal, null,
                List.of(new SimpleGrantedAuthority(credential.role().authority())));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PresentedToken.class.isAssignableFrom(authentication);
    }
}
