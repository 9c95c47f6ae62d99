package dev.quanta.edge.security;

/**
 * The roles a bearer credential can carry. Spring Security sees them as authorities {@code ROLE_<name>}.
 */
public enum EdgeRole {
    /** Operators and tooling: every write, the actuator's metrics and the API docs. */
    ADMIN,
    /** An inference worker: its own lease only (the credential's name is the worker id). */
    WORKER,
    /** A gateway client; the credential's name identifies the key (e.g. for per-key limits). */
    API_KEY,
    /** A metrics scraper (Prometheus): the actuator's endpoints, nothing else. */
    METRICS;

    /** The authority string Spring Security checks ({@code ROLE_ADMIN}, …). */
    public String authority() {
        return "ROLE_" + name();
    }
}
