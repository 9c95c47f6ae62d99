package dev.quanta.planner.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.registry.api.PageResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP server on a free port that answers the registry's read contract ({@code GET /models/{key}},
 * {@code GET /models?page=&size=}, problem+json 404) and can be told to fail or be slow. It cannot contradict
 * the registry: its answers are the registry's own records ({@code registry-api}) serialized by Jackson, and
 * its profiles are read from the registry's seed migration. {@code RegistryContractIT} checks it against the
 * running registry field by field.
 */
public final class ContractRegistryStub implements AutoCloseable {

    public enum Mode { UP, FAILING, SLOW }

    /** The registry's seed migration, whose rows are the stub's profiles. */
    public static final Path SEED_SQL = Path.of("..", "registry-service", "src", "main", "resources", "db",
            "migration", "V2__seed_model_profiles.sql");

    /** The registry's seed profiles by key, in the migration's order. */
    public static final Map<String, ModelProfileResponse> SEED = seeds();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, String> models = new LinkedHashMap<>();
    private final AtomicInteger modelRequests = new AtomicInteger();
    private volatile Mode mode = Mode.UP;
    private volatile long slowMillis = 2000;

    public ContractRegistryStub() throws IOException {
        SEED.forEach((key, profile) -> models.put(key, JSON.writeValueAsString(profile)));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/models", this::handle);
        server.start();
    }

    private static Map<String, ModelProfileResponse> seeds() {
        String sql;
        try {
            sql = Files.readString(SEED_SQL);
        } catch (IOException e) {
            throw new UncheckedIOException("the registry's seed migration " + SEED_SQL.toAbsolutePath()
                    + " is needed (tests run from planner-service/)", e);
        }
        Pattern row = Pattern.compile("\\('([^']+)',\\s*'([^']+)',\\s*'([^']+)',\\s*'([^']+)',\\s*([0-9.]+),\\s*"
                + "([0-9.]+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+),\\s*(\\d+)\\)");
        Map<String, ModelProfileResponse> seeds = new LinkedHashMap<>();
        Matcher m = row.matcher(sql);
        while (m.find()) {
            seeds.put(m.group(1), new ModelProfileResponse(m.group(1), m.group(2), m.group(3), m.group(4),
                    Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), Integer.parseInt(m.group(7)),
                    Integer.parseInt(m.group(8)), Integer.parseInt(m.group(9)), Integer.parseInt(m.group(10)),
                    Integer.parseInt(m.group(11)), Integer.parseInt(m.group(12)), Integer.parseInt(m.group(13)),
                    0));
        }
        if (seeds.size() < 5) {
            throw new IllegalStateException("could not read the seed rows of " + SEED_SQL);
        }
        return java.util.Collections.unmodifiableMap(seeds);
    }

    /** {@code profile} under another key. */
    public static ModelProfileResponse copyAs(String key, ModelProfileResponse p) {
        return new ModelProfileResponse(key, p.name(), p.family(), p.architecture(), p.parametersBillions(),
                p.fp16MemoryGb(), p.layers(), p.hiddenSize(), p.attentionHeads(), p.kvHeads(), p.headDim(),
                p.contextLength(), p.vocabSize(), p.version());
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** How long a request waits in {@link Mode#SLOW} (default 2 s). */
    public void slowMillis(long millis) {
        this.slowMillis = millis;
    }

    /** Serves {@code json} for {@code key} (any body, to test what the planner does with it). */
    public synchronized void put(String key, String json) {
        models.put(key, json);
    }

    /** Serves {@code profile} for its key. */
    public void put(ModelProfileResponse profile) {
        put(profile.key(), JSON.writeValueAsString(profile));
    }

    public synchronized void remove(String key) {
        models.remove(key);
    }

    /** How many GET /models/{key} requests arrived. */
    public int modelRequests() {
        return modelRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (mode == Mode.FAILING) {
                send(exchange, 503, "application/problem+json", "{\"type\":\"https://quanta.dev/problems/"
                        + "unavailable\",\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"down\"}");
                return;
            }
            if (mode == Mode.SLOW) {
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (path.equals("/models")) {
                List<ModelProfileResponse> items = new ArrayList<>();
                synchronized (this) {
                    for (String body : models.values()) {
                        try {
                            items.add(JSON.readValue(body, ModelProfileResponse.class));
                        } catch (RuntimeException notAProfile) {
                            // a deliberately broken profile (see put(String, String)) is not listed
                        }
                    }
                }
                send(exchange, 200, "application/json", JSON.writeValueAsString(
                        new PageResponse<>(items, 0, 200, items.size(), 1)));
                return;
            }
            modelRequests.incrementAndGet();
            String key = java.net.URLDecoder.decode(path.substring("/models/".length()), StandardCharsets.UTF_8);
            String body;
            synchronized (this) {
                body = models.get(key);
            }
            if (body == null) {
                send(exchange, 404, "application/problem+json", "{\"type\":\"https://quanta.dev/problems/not-found\","
                        + "\"title\":\"Model not found\",\"status\":404,\"detail\":\"model '" + key
                        + "' does not exist\"}");
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
