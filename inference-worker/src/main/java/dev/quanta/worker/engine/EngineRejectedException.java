package dev.quanta.worker.engine;

/** The engine did not admit a request; nothing was queued. */
public final class EngineRejectedException extends RuntimeException {

    /** Why. */
    public enum Reason {
        /** The waiting queue is full: retry later (HTTP 429 with {@code Retry-After}). */
        QUEUE_FULL,
        /** The prompt (plus {@code max_tokens}, when asked) can never fit: the context or the whole KV cache (400). */
        TOO_LONG,
        /** The engine is shutting down or not loaded (503). */
        UNAVAILABLE
    }

    private final Reason reason;
    private final int retryAfterSeconds;

    public EngineRejectedException(Reason reason, String message, int retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    /** Seconds a client should wait before retrying ({@link Reason#QUEUE_FULL}, {@link Reason#UNAVAILABLE}). */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
