package dev.quanta.edge.security;

import java.security.Principal;

/**
 * Who presented a credential: its configured name (the worker id for workers, the key's name for API keys)
 * and its role. {@code Authentication#getName()} returns {@link #name()}.
 */
public record EdgePrincipal(String name, EdgeRole role) implements Principal {

    @Override
    public String getName() {
        return name;
    }
}
