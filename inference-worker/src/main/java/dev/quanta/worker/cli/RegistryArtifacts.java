package dev.quanta.worker.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code --register URL}: records a model file as an artifact of its model in the registry,
 * {@code POST URL/models/{key}/artifacts} with {@code format}, {@code quantType}, {@code sizeBytes},
 * {@code sha256}, {@code location} (the absolute path) and, when measured, {@code perplexity},
 * {@code klDivergence} and {@code sameTopTokenRate} (the registry's {@code ArtifactRequest}), authorized with
 * {@code Authorization: Bearer $QUANTA_ADMIN_TOKEN} when that variable is set.
 */
final class RegistryArtifacts {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Measured quality of a file; null fields are not sent. */
    record Quality(Double perplexity, Double klDivergence, Double sameTopTokenRate) {}

    private RegistryArtifacts() {}

    static void requireModelKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("--register needs --model-key KEY (the registry's key of the model)");
        }
    }

    /** Posts the artifact; returns the registry's response body. Fails with the problem's detail on a non-2xx. */
    static String register(String baseUrl, String modelKey, Path file, String quantType, Quality quality)
            throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("format", "GGUF");
        body.put("quantType", quantType);
        body.put("sizeBytes", Files.size(file));
        body.put("sha256", sha256(file));
        body.put("location", file.toAbsolutePath().toString());
        if (quality != null) {
            body.put("perplexity", quality.perplexity());
            body.put("klDivergence", quality.klDivergence());
            body.put("sameTopTokenRate", quality.sameTopTokenRate());
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI uri;
        try {
            uri = URI.create(base + "/models/" + URLEncoder.encode(modelKey, StandardCharsets.UTF_8) + "/artifacts");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--register: not a URL: " + baseUrl);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        String token = System.getenv("QUANTA_ADMIN_TOKEN");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("registry at " + baseUrl + " is not reachable");
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("registry refused the artifact (HTTP " + response.statusCode() + "): "
                    + problemDetail(response.body()));
        }
        return response.body();
    }

    private static String problemDetail(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.hasNonNull("detail")) {
                return n.get("detail").asString();
            }
            if (n.hasNonNull("title")) {
                return n.get("title").asString();
            }
        } catch (RuntimeException e) {
            // not JSON: fall through
        }
        return body.length() > 200 ? body.substring(0, 200) : body;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
