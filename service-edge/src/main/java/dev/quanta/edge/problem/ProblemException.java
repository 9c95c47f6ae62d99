package dev.quanta.edge.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/**
 * An error reported as an RFC 9457 problem detail of one {@link ProblemType} (which fixes the status):
 * a detail for the client, the offending {@code field} when one is at fault, and extra properties
 * ({@code suggestions}, …). Throw it anywhere below a controller; the edge's handler renders it.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType type;
    private final String title;
    private final String field;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public ProblemException(ProblemType type, String detail) {
        this(type, null, detail, null, null);
    }

    public ProblemException(ProblemType type, String title, String detail, String field) {
        this(type, title, detail, field, null);
    }

    public ProblemException(ProblemType type, String title, String detail, String field, Throwable cause) {
        super(detail, cause);
        this.type = type;
        this.title = title == null ? type.title() : title;
        this.field = field;
    }

    /** 404: {@code what} named {@code key} does not exist. */
    public static ProblemException notFound(String what, String key) {
        return new ProblemException(ProblemType.NOT_FOUND, capitalized(what) + " not found",
                what + " '" + key + "' does not exist", null);
    }

    /** 404 naming the field that held the unknown name, with the closest known names. */
    public static ProblemException notFound(String what, String field, String query, List<String> suggestions) {
        ProblemException e = new ProblemException(ProblemType.NOT_FOUND, "Unknown " + what,
                "unknown " + what + " '" + query + "'"
                        + (suggestions.isEmpty() ? "" : "; closest known: " + String.join(", ", suggestions)),
                field);
        return e.with("suggestions", List.copyOf(suggestions));
    }

    /** 409: creating {@code what} named {@code key} that exists already. */
    public static ProblemException duplicate(String what, String key, String field) {
        return new ProblemException(ProblemType.DUPLICATE, capitalized(what) + " already exists",
                what + " '" + key + "' already exists", field);
    }

    /** 400: {@code field} is invalid. */
    public static ProblemException invalid(String field, String detail) {
        return new ProblemException(ProblemType.VALIDATION, null, detail, field);
    }

    /** Adds an extension member to the problem (e.g. {@code suggestions}). */
    public ProblemException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public ProblemType type() {
        return type;
    }

    public String field() {
        return field;
    }

    /** This error as a problem detail ({@code field} present when a field is at fault). */
    public ProblemDetail toProblem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), getMessage());
        problem.setType(type.uri());
        problem.setTitle(title);
        if (field != null) {
            problem.setProperty("field", field);
        }
        properties.forEach(problem::setProperty);
        return problem;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
