package dev.quanta.gateway.limits;

/**
 * Per-key request rate and token budget, shared by every gateway replica. Pure contract; the PostgreSQL
 * implementation is {@link LeasedKeyLimits} over {@link PostgresUsageStore}.
 */
public interface KeyLimits {

    /** What {@link #admit} found. {@code retryAfterSeconds} is set when refused. */
    record Admission(boolean allowed, String reason, long retryAfterSeconds) {
        public static final Admission OK = new Admission(true, null, 0);
    }

    /** Counts one request for {@code keyId} and says whether it is within the rate and the token budget. */
    Admission admit(String keyId);

    /** Adds the prompt + completion tokens a served request used to the key's budget. */
    void charge(String keyId, long tokens);
}
