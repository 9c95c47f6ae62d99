package dev.quanta.registry.system;

import java.net.URI;

/** The {@code type} URIs of the registry's RFC 9457 problem details, one per error class. */
public final class ProblemTypes {

    private static final String BASE = "https://quanta.dev/problems/";

    /** A field of the request is missing or out of range; {@code errors}/{@code field} name it. */
    public static final URI VALIDATION = URI.create(BASE + "validation");
    /** The body is not well-formed JSON or a value has the wrong JSON type. */
    public static final URI MALFORMED_REQUEST = URI.create(BASE + "malformed-request");
    /** The model, artifact, route or file named does not exist. */
    public static final URI NOT_FOUND = URI.create(BASE + "not-found");
    /** Creating something whose key already exists. */
    public static final URI DUPLICATE = URI.create(BASE + "duplicate");
    /** A write the database refused (a constraint, e.g. two requests racing to create one key); rolled back. */
    public static final URI CONFLICT = URI.create(BASE + "conflict");
    /** An update carried a version that is no longer current (optimistic lock). */
    public static final URI STALE_VERSION = URI.create(BASE + "stale-version");
    /** The request body exceeds {@code quanta.registry.max-body-bytes}. */
    public static final URI PAYLOAD_TOO_LARGE = URI.create(BASE + "payload-too-large");
    /** A write without a bearer token. */
    public static final URI UNAUTHORIZED = URI.create(BASE + "unauthorized");
    /** A write with a wrong token, or writes disabled because no admin token is configured. */
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    /** An import path outside the models directory. */
    public static final URI PATH_REFUSED = URI.create(BASE + "path-refused");
    /** An import of a file that is not a readable GGUF file. */
    public static final URI UNREADABLE_MODEL_FILE = URI.create(BASE + "unreadable-model-file");
    /** The HTTP method is not supported on this route. */
    public static final URI METHOD_NOT_ALLOWED = URI.create(BASE + "method-not-allowed");
    /** The request's content type is not JSON. */
    public static final URI UNSUPPORTED_MEDIA_TYPE = URI.create(BASE + "unsupported-media-type");
    /** The client asked for a representation we cannot produce. */
    public static final URI NOT_ACCEPTABLE = URI.create(BASE + "not-acceptable");
    /** Anything else; details are in the server log, never in the response. */
    public static final URI INTERNAL = URI.create(BASE + "internal");

    private ProblemTypes() {}

    /** The type for a status the framework raised on its own (404 route, 405, 415, …). */
    public static URI forStatus(int status) {
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
            default -> INTERNAL;
        };
    }
}
