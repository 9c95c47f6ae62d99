package dev.quanta.worker.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the API tests (the JDK's), with SSE parsing. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<java.io.InputStream> postStream(String path, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    /**
     * The events of an SSE body: each {@code data:} payload, in order; checks that every event is one
     * {@code data:} line followed by a blank line.
     */
    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        String[] blocks = body.split("\n\n", -1);
        for (int i = 0; i < blocks.length; i++) {
            String block = blocks[i];
            if (block.isEmpty()) {
                if (i != blocks.length - 1) {
                    throw new AssertionError("empty SSE event at " + i + " in: " + body);
                }
                continue;
            }
            if (!block.startsWith("data: ") || block.contains("\n")) {
                throw new AssertionError("not a single data line: '" + block + "'");
            }
            out.add(block.substring(6));
        }
        return out;
    }
}
