package dev.quanta.planner.system;

import dev.quanta.edge.problem.ProblemException;
import dev.quanta.edge.problem.ProblemType;
import org.springframework.http.HttpStatus;

/**
 * The registry is down (503 {@code upstream-unavailable}) or answered something we cannot use (502
 * {@code upstream-bad-response}).
 */
public class UpstreamException extends ProblemException {

    public UpstreamException(HttpStatus status, String message, Throwable cause) {
        super(status == HttpStatus.SERVICE_UNAVAILABLE ? ProblemType.UPSTREAM_UNAVAILABLE
                : ProblemType.UPSTREAM_BAD_RESPONSE, null, message, null, cause);
    }

    public HttpStatus status() {
        return type().status();
    }
}
