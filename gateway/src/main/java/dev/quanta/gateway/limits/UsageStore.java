package dev.quanta.gateway.limits;

/**
 * Per-key usage counters every gateway replica shares, in fixed windows cut on the store's clock. Pure
 * contract; the PostgreSQL implementation is {@link PostgresUsageStore}.
 */
public interface UsageStore {

    /** What a window's counter is counting. */
    enum Kind {
        REQUESTS("requests"),
        TOKENS("tokens");

        private final String column;

        Kind(String column) {
            this.column = column;
        }

        /** The value stored in {@code key_usage.kind}. */
        public String column() {
            return column;
        }
    }

    /**
     * @param granted            how much of the asked amount fits under the limit (0: the window is used up)
     * @param secondsToWindowEnd until the current window ends, on the store's clock
     */
    record Reservation(long granted, double secondsToWindowEnd) {}

    /**
     * Adds {@code amount} to the key's counter of the current {@code windowSeconds} window, atomically, and
     * grants the part of it that was still under {@code limit} before the addition.
     */
    Reservation reserve(String keyId, Kind kind, long windowSeconds, long amount, long limit);

    /** Adds {@code amount} (already spent) to the key's counter of the current window. */
    void add(String keyId, Kind kind, long windowSeconds, long amount);
}
