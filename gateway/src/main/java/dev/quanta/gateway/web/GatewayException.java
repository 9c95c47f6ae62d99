package dev.quanta.gateway.web;

/**
 * A request the gateway refuses or cannot serve; written in the shape of the API it arrived on.
 *
 * @param status       HTTP status
 * @param kind         short machine name: {@code invalid_request_error}, {@code authentication_error},
 *                     {@code not_found}, {@code rate_limit_exceeded}, {@code service_unavailable}, ...
 * @param retryAfterSeconds value of {@code Retry-After}, or 0 for none
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String kind;
    private final long retryAfterSeconds;
    private final String param;

    public GatewayException(int status, String kind, String message) {
        this(status, kind, message, 0, null);
    }

    public GatewayException(int status, String kind, String message, long retryAfterSeconds, String param) {
        super(message);
        this.status = status;
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
        this.param = param;
    }

    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(400, "invalid_request_error", message, 0, param);
    }

    public int status() {
        return status;
    }

    public String kind() {
        return kind;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String param() {
        return param;
    }
}
