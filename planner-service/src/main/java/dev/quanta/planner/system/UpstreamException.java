package dev.quanta.planner.system;

import org.springframework.http.HttpStatus;

/** The registry is down (503) or answered something we cannot use (502). */
public class UpstreamException extends RuntimeException {

    private final HttpStatus status;

    public UpstreamException(HttpStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
