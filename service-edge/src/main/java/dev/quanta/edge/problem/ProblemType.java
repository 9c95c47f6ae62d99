package dev.quanta.edge.problem;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * The one catalogue of RFC 9457 problem types of every Quanta service, all under
 * {@code https://quanta.dev/problems/}. Each type has exactly one status, so the same fault answers the same
 * way on every service.
 */
public enum ProblemType {

    /** A field or parameter is missing or out of range; {@code field} (and {@code errors}) name it. */
    VALIDATION("validation", HttpStatus.BAD_REQUEST, "Invalid request"),
    /** The body is not well-formed JSON or a value has the wrong JSON type; {@code field} when known. */
    MALFORMED_REQUEST("malformed-request", HttpStatus.BAD_REQUEST, "Malformed request body"),
    /** No credential, or one that is not recognised (sent with {@code WWW-Authenticate: Bearer}). */
    UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required"),
    /** A recognised credential whose role may not do this (e.g. a worker touching another's lease). */
    FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Forbidden"),
    /** An import path outside the models directory. */
    PATH_REFUSED("path-refused", HttpStatus.FORBIDDEN, "Path outside the models directory"),
    /** The resource, route or file named does not exist; {@code suggestions} may list close names. */
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    /** The HTTP method is not supported on this route. */
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    /** The client asked for a representation the service cannot produce. */
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    /** Creating something whose key already exists. */
    DUPLICATE("duplicate", HttpStatus.CONFLICT, "Already exists"),
    /** An update based on a version that is no longer current (optimistic lock, or a concurrent update). */
    STALE_VERSION("stale-version", HttpStatus.CONFLICT, "Stale version"),
    /** A write that clashes with the stored state (a constraint, an ambiguous name); nothing was changed. */
    CONFLICT("conflict", HttpStatus.CONFLICT, "Conflict"),
    /** The request body exceeds the service's limit ({@code quanta.edge.max-body-bytes}). */
    PAYLOAD_TOO_LARGE("payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "Request body too large"),
    /** The request's content type is not one the route reads. */
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    /** An import of a file that is not a readable model file. */
    UNREADABLE_MODEL_FILE("unreadable-model-file", HttpStatus.UNPROCESSABLE_CONTENT, "Unreadable model file"),
    /** Too many requests for this credential; {@code Retry-After} says when to come back. */
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    /** Anything else; details are in the server log, never in the response. */
    INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    /** A service this one depends on answered something unusable. */
    UPSTREAM_BAD_RESPONSE("upstream-bad-response", HttpStatus.BAD_GATEWAY, "Upstream gave an unusable answer"),
    /** A service this one depends on is down and nothing cached can stand in. */
    UPSTREAM_UNAVAILABLE("upstream-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Upstream unavailable"),
    /** This service cannot take the request now (overloaded, shutting down). */
    UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");

    /** Base of every type URI. */
    public static final String BASE = "https://quanta.dev/problems/";

    private final String slug;
    private final HttpStatus status;
    private final String title;
    private final URI uri;

    ProblemType(String slug, HttpStatus status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
        this.uri = URI.create(BASE + slug);
    }

    public String slug() {
        return slug;
    }

    public HttpStatus status() {
        return status;
    }

    /** A short, fixed summary (RFC 9457 {@code title}); the specifics go into {@code detail}. */
    public String title() {
        return title;
    }

    public URI uri() {
        return uri;
    }

    /** The type for a status the framework raised on its own (unknown route, 405, 415, …). */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> MALFORMED_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> VALIDATION;
            case 429 -> RATE_LIMITED;
            case 502 -> UPSTREAM_BAD_RESPONSE;
            case 503 -> UNAVAILABLE;
            default -> INTERNAL;
        };
    }
}
