package dev.quanta.gateway.platform;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.gateway.auth.GatewaySecurity;
import dev.quanta.gateway.config.GatewayProperties;
import dev.quanta.gateway.web.Bodies;
import dev.quanta.gateway.web.GatewayException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The platform's own APIs through the public door: {@code /platform/registry/**} → the registry,
 * {@code /platform/planner/**} → the planner (models, imports, artifacts, plans, GPUs). The prefix cannot
 * clash with Ollama's {@code /api/*}. An API key may read; the admin token is passed on, so writes work with
 * it and are refused by the service (RFC 9457) without it. Errors of the gateway itself are RFC 9457 too.
 */
@RestController
@Tag(name = "Platform", description = "Registry and planner APIs under /platform/registry and /platform/planner")
class PlatformProxyController {

    private static final Set<String> PASSED_REQUEST_HEADERS = Set.of("content-type", "accept", "if-none-match",
            "if-match", "x-request-id");
    private static final Set<String> PASSED_RESPONSE_HEADERS = Set.of("content-type", "etag", "location",
            "retry-after", "x-request-id", "cache-control");

    private final String registry;
    private final String planner;
    private final long maxBodyBytes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    PlatformProxyController(GatewayProperties properties, EdgeProperties edge) {
        this.registry = properties.platform().registryUrl().replaceAll("/+$", "");
        this.planner = properties.platform().plannerUrl().replaceAll("/+$", "");
        this.maxBodyBytes = edge.maxBodyBytes();
    }

    @RequestMapping("/platform/registry/**")
    @Operation(summary = "The registry's API (models, artifacts, imports, worker leases), e.g. GET /platform/registry/models")
    void registry(HttpServletRequest request, HttpServletResponse response) throws IOException {
        forward(registry, "/platform/registry", "registry", request, response);
    }

    @RequestMapping("/platform/planner/**")
    @Operation(summary = "The planner's API (plans, GPU inventory), e.g. GET /platform/planner/gpus")
    void planner(HttpServletRequest request, HttpServletResponse response) throws IOException {
        forward(planner, "/platform/planner", "planner", request, response);
    }

    private void forward(String base, String prefix, String service, HttpServletRequest request,
            HttpServletResponse response) throws IOException {
        String rest = request.getRequestURI().substring(prefix.length());
        if (rest.isEmpty()) {
            rest = "/";
        }
        String query = request.getQueryString();
        URI target = URI.create(base + rest + (query == null ? "" : "?" + query));
        byte[] body = Bodies.read(request, maxBodyBytes);
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : java.util.Collections.list(request.getHeaderNames())) {
            if (PASSED_REQUEST_HEADERS.contains(name.toLowerCase())) {
                builder.header(name, request.getHeader(name));
            }
        }
        if (GatewaySecurity.isAdmin()) {
            builder.header("Authorization", request.getHeader("Authorization"));
        }
        HttpResponse<InputStream> upstream;
        try {
            upstream = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new GatewayException(503, "upstream_unavailable", "the " + service + " does not answer at " + base, 5,
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(503, "upstream_unavailable", "interrupted", 1, null);
        }
        response.setStatus(upstream.statusCode());
        upstream.headers().map().forEach((name, values) -> {
            if (PASSED_RESPONSE_HEADERS.contains(name.toLowerCase())) {
                List<String> v = values;
                v.forEach(value -> response.addHeader(name, rewriteLocation(name, value, base, prefix)));
            }
        });
        try (InputStream in = upstream.body()) {
            in.transferTo(response.getOutputStream());
        }
    }

    private static String rewriteLocation(String name, String value, String base, String prefix) {
        return name.equalsIgnoreCase("location") && value.startsWith(base) ? prefix + value.substring(base.length())
                : name.equalsIgnoreCase("location") && value.startsWith("/") ? prefix + value : value;
    }
}
