package dev.quanta.worker.api;

/**
 * An error answered in OpenAI's shape: {@code {"error":{"message","type","param","code"}}} with {@code status}.
 *
 * Plain Java (the batch runner uses it too); {@link ApiErrorHandler} turns it into a response.
 */
public final class OpenAiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final int retryAfterSeconds;

    OpenAiException(int status, String type, String message, String param, String code,
                    int retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 {@code invalid_request_error} about {@code param} (null when no single field is at fault). */
    static OpenAiException invalid(String param, String message) {
        return new OpenAiException(400, "invalid_request_error", message, param, null, 0);
    }

    /** 400 with a machine-readable code (e.g. {@code context_length_exceeded}). */
    static OpenAiException invalid(String param, String code, String message) {
        return new OpenAiException(400, "invalid_request_error", message, param, code, 0);
    }

    static OpenAiException modelNotFound(String model) {
        return new OpenAiException(404, "invalid_request_error",
                "The model `" + model + "` does not exist.", "model", "model_not_found", 0);
    }

    static OpenAiException overloaded(String message, int retryAfterSeconds) {
        return new OpenAiException(429, "rate_limit_error", message, null,
                "queue_full", retryAfterSeconds);
    }

    static OpenAiException unavailable(String message, int retryAfterSeconds) {
        return new OpenAiException(503, "service_unavailable", message, null, null,
                retryAfterSeconds);
    }

    static OpenAiException internal(String message) {
        return new OpenAiException(500, "server_error", message, null, null, 0);
    }

    public int status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    /** Seconds for a {@code Retry-After} header; 0 = none. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
