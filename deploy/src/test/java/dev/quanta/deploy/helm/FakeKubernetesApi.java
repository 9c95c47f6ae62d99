package dev.quanta.deploy.helm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The smallest Kubernetes API the chart's {@code lookup} calls need: API discovery for core/v1 and GET of Secrets,
 * answering 404 unless a Secret was {@link #putSecret put}.
 *
 * <p>Why it exists: helm-java's {@code template} renders with the dry-run mode that still talks to a cluster, so
 * the chart's {@code lookup "v1" "Secret"} (which keeps generated passwords stable across upgrades) would call the
 * default kubeconfig's server. Pointing {@code KUBECONFIG} at this server keeps the tests hermetic and lets them
 * check that an existing Secret's values are reused.
 */
final class FakeKubernetesApi implements AutoCloseable {

    private static final String RESOURCE_LIST = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
             {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]}]}""";

    private final HttpServer server;
    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    FakeKubernetesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Writes a kubeconfig whose current context is this server. */
    void writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: fake
                current-context: fake
                users:
                - name: fake
                  user:
                    token: not-a-secret
                """.formatted(server.getAddress().getPort()));
    }

    void putSecret(String namespace, String name, Map<String, String> data) {
        secrets.put(namespace + "/" + name, data);
    }

    void clearSecrets() {
        secrets.clear();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(exchange.getRequestMethod() + " " + path);
        String[] parts = path.split("/");
        // /api/v1/namespaces/{ns}/secrets/{name}
        if (path.equals("/api/v1")) {
            respond(exchange, 200, RESOURCE_LIST);
        } else if (parts.length == 7 && "namespaces".equals(parts[3]) && "secrets".equals(parts[5])
                && secrets.containsKey(parts[4] + "/" + parts[6])) {
            respond(exchange, 200, secretJson(parts[4], parts[6], secrets.get(parts[4] + "/" + parts[6])));
        } else {
            respond(exchange, 404, """
                    {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}""");
        }
    }

    private static String secretJson(String namespace, String name, Map<String, String> data) {
        String encoded = data.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + Base64.getEncoder().encodeToString(
                        e.getValue().getBytes(StandardCharsets.UTF_8)) + "\"")
                .collect(Collectors.joining(","));
        return """
                {"kind":"Secret","apiVersion":"v1","metadata":{"name":"%s","namespace":"%s"},"type":"Opaque","data":{%s}}"""
                .formatted(name, namespace, encoded);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
