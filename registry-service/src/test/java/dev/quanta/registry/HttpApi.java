package dev.quanta.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for the registry over real HTTP (JDK HttpClient), with the admin token on writes. */
public final class HttpApi {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    /** The one worker credential of the test context: it may write the lease {@code /workers/w-own} only. */
    public static final String WORKER_ID = "w-own";
    public static final String WORKER_TOKEN = "test-worker-token-0123456789";
    /** A metrics scraper's credential. */
    public static final String METRICS_TOKEN = "test-metrics-token-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    public HttpApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Response(int status, HttpResponse<String> raw, JsonNode json) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String contentType() {
            return header("Content-Type");
        }

        public String text(String field) {
            JsonNode node = json.get(field);
            return node == null || node.isNull() ? null : node.asString();
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A GET with {@code token} as bearer credential. */
    public Response get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET().header("Authorization", "Bearer " + token));
    }

    public Response post(String path, String json) {
        return write("POST", path, json, ADMIN_TOKEN);
    }

    public Response put(String path, String json) {
        return write("PUT", path, json, ADMIN_TOKEN);
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE().header("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    /** A write with {@code token} (null: no Authorization header). */
    public Response write(String method, String path, String json, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    /** A write whose body is streamed without Content-Length (chunked). */
    public Response postChunked(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_TOKEN));
    }

    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode json = type.contains("json") && !response.body().isEmpty()
                    ? JSON.readTree(response.body()) : JSON.missingNode();
            return new Response(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }
}
