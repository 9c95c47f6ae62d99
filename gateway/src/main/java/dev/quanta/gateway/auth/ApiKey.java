package dev.quanta.gateway.auth;

/**
 * The caller an inference request was authenticated as: the credential's configured name (for an unnamed key
 * {@code api-key-<first 8 hex digits of its SHA-256>}), never the secret. Limits and metrics key on it.
 */
public record ApiKey(String id) {}
