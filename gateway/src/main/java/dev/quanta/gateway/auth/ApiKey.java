package dev.quanta.gateway.auth;

/**
 * The caller a request was authenticated as: {@code id} is the first 16 hex digits of the key's SHA-256 (never
 * the key), the name limits and metrics use.
 */
public record ApiKey(String id) {
    /** Request attribute holding the {@link ApiKey}. */
    public static final String ATTRIBUTE = ApiKey.class.getName();
}
