package dev.quanta.gateway.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Writes an error in the shape of the API the request arrived on (OpenAI, Ollama or RFC 9457). */
public final class ErrorWriter {

    /** Base of the gateway's problem types. */
    public static final String PROBLEM_BASE = "https://quanta.dev/problems/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorWriter() {}

    public static void write(HttpServletResponse response, String path, String instance, GatewayException e)
            throws IOException {
        if (response.isCommitted()) {
            return; // a stream already started: nothing sane can be added
        }
        response.resetBuffer();
        response.setStatus(e.status());
        if (e.retryAfterSeconds() > 0) {
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        byte[] body = JSON.writeValueAsBytes(body(ApiFamily.of(path), instance, e));
        response.setContentType(ApiFamily.of(path) == ApiFamily.PLATFORM ? "application/problem+json" : "application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    static ObjectNode body(ApiFamily family, String instance, GatewayException e) {
        ObjectNode root = JSON.createObjectNode();
        switch (family) {
            case OPENAI -> {
                ObjectNode error = root.putObject("error");
                error.put("message", e.getMessage());
                error.put("type", e.kind());
                error.put("param", e.param());
                error.put("code", e.status() == 429 ? "rate_limit_exceeded" : e.status() == 404 ? "model_not_found"
                        : e.kind());
            }
            case OLLAMA -> root.put("error", e.getMessage());
            case PLATFORM -> {
                root.put("type", URI.create(PROBLEM_BASE + e.kind().replace('_', '-')).toString());
                root.put("title", title(e.status()));
                root.put("status", e.status());
                root.put("detail", e.getMessage());
                root.put("instance", instance);
                if (e.param() != null) {
                    root.put("field", e.param());
                }
            }
        }
        return root;
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }
}
