package dev.quanta.registry.system;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error the API reports as a problem detail: status, type, title, detail and, when one field of the
 * request is at fault, that field's name.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final URI type;
    private final String title;
    private final String field;

    public ApiException(HttpStatus status, URI type, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.field = field;
    }

    public static ApiException notFound(String what, String key) {
        return new ApiException(HttpStatus.NOT_FOUND, ProblemTypes.NOT_FOUND, what + " not found",
                what + " '" + key + "' does not exist", null);
    }

    public static ApiException duplicate(String what, String key, String field) {
        return new ApiException(HttpStatus.CONFLICT, ProblemTypes.DUPLICATE, what + " already exists",
                what + " '" + key + "' already exists", field);
    }

    public static ApiException staleVersion(String key, long sent, long current) {
        return new ApiException(HttpStatus.CONFLICT, ProblemTypes.STALE_VERSION, "Stale version",
                "model '" + key + "' is at version " + current + " but the update was based on version " + sent
                        + "; read it again and reapply the change",
                "version");
    }

    public static ApiException invalid(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, ProblemTypes.VALIDATION, "Invalid request", detail, field);
    }

    public HttpStatus status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** This error as a problem detail ({@code field} extension present when a field is at fault). */
    public ProblemDetail toProblem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
        problem.setType(type);
        problem.setTitle(title);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }
}
