package dev.quanta.planner.system;

import org.springframework.http.HttpStatus;

/** A write without the admin credential (401) or with writes disabled (403). */
public class AdminAuthException extends RuntimeException {

    private final HttpStatus status;

    public AdminAuthException(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }
}
