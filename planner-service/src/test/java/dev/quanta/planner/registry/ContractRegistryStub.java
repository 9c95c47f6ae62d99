package dev.quanta.planner.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real HTTP server on a free port that answers the registry contract ({@code GET /models/{key}} and
 * {@code GET /models?page=&size=}, problem+json 404) from a fixed set of profiles, and can be told to fail.
 * Used where a test is about the planner's side of the wire; the end-to-end test uses the real registry.
 */
public final class ContractRegistryStub implements AutoCloseable {

    public enum Mode { UP, FAILING, SLOW }

    /** The registry's seed shapes (Llama-2 and Qwen2.5 configs). */
    public static final Map<String, String> SEED = new LinkedHashMap<>();

    static {
        SEED.put("llama-7b", profile("llama-7b", "Llama-2-7B", "llama", 7, 14, 32, 4096, 32, 32, 128, 4096, 32000));
        SEED.put("llama-13b", profile("llama-13b", "Llama-2-13B", "llama", 13, 26, 40, 5120, 40, 40, 128, 4096, 32000));
        SEED.put("llama-70b", profile("llama-70b", "Llama-2-70B", "llama", 70, 140, 80, 8192, 64, 8, 128, 4096, 32000));
        SEED.put("qwen-7b", profile("qwen-7b", "Qwen2.5-7B", "qwen2", 7, 14, 28, 3584, 28, 4, 128, 32768, 152064));
        SEED.put("qwen-72b", profile("qwen-72b", "Qwen2.5-72B", "qwen2", 72, 144, 80, 8192, 64, 8, 128, 32768, 152064));
    }

    private final HttpServer server;
    private final Map<String, String> models = new LinkedHashMap<>(SEED);
    private final AtomicInteger modelRequests = new AtomicInteger();
    private volatile Mode mode = Mode.UP;
    private volatile boolean pagedListing = true;

    public ContractRegistryStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models", this::handle);
        server.start();
    }

    public static String profile(String key, String name, String arch, double params, double fp16, int layers,
            int hidden, int heads, int kvHeads, int headDim, int context, int vocab) {
        return String.format(java.util.Locale.ROOT, "{\"key\":\"%s\",\"name\":\"%s\",\"family\":\"%s\","
                + "\"architecture\":\"%s\",\"parametersBillions\":%s,\"fp16MemoryGb\":%s,\"layers\":%d,"
                + "\"hiddenSize\":%d,\"attentionHeads\":%d,\"kvHeads\":%d,\"headDim\":%d,\"contextLength\":%d,"
                + "\"vocabSize\":%d,\"version\":0}", key, name, arch, arch, params, fp16, layers, hidden, heads,
                kvHeads, headDim, context, vocab);
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void put(String key, String json) {
        models.put(key, json);
    }

    /** {@code true}: GET /models answers {"content": [...]}; {@code false}: a bare array. */
    public void pagedListing(boolean paged) {
        this.pagedListing = paged;
    }

    /** How many GET /models/{key} requests arrived. */
    public int modelRequests() {
        return modelRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (mode == Mode.FAILING) {
                send(exchange, 503, "application/problem+json", "{\"status\":503,\"title\":\"down\"}");
                return;
            }
            if (mode == Mode.SLOW) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (path.equals("/models")) {
                String items = models.values().stream().collect(Collectors.joining(","));
                send(exchange, 200, "application/json", pagedListing
                        ? "{\"content\":[" + items + "],\"page\":0,\"size\":200,\"totalElements\":" + models.size() + "}"
                        : "[" + items + "]");
                return;
            }
            modelRequests.incrementAndGet();
            String key = java.net.URLDecoder.decode(path.substring("/models/".length()), StandardCharsets.UTF_8);
            String body = models.get(key);
            if (body == null) {
                send(exchange, 404, "application/problem+json", "{\"type\":\"about:blank\",\"title\":\"Not Found\","
                        + "\"status\":404,\"detail\":\"no model " + key + "\"}");
            } else {
                send(exchange, 200, "application/json", body);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
