package dev.quanta.gateway.config;

import dev.quanta.gateway.routing.Strategy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's settings ({@code quanta.gateway.*}); every default is written and explained in
 * {@code application.yml}.
 *
 * <p>Credentials and the body-size limit are the shared edge's ({@code quanta.edge.*}).
 */
@ConfigurationProperties("quanta.gateway")
public record GatewayProperties(Routing routing, Discovery discovery, Upstream upstream, Limits limits, Cors cors,
        Platform platform) {

    /**
     * @param strategy            round-robin, least-loaded or prefix-aware
     * @param prefixWeight        weight of the prefix-affinity score
     * @param queueWeight         weight of the queue-depth score
     * @param kvUsageWeight       weight of the free-KV score
     * @param blockSize           characters per hashed prompt chunk
     * @param maxPrefixBlocks     most chunks hashed per prompt
     * @param lruCapacityPerWorker block hashes remembered per worker
     * @param sessionHeader       request header pinning a session to a worker (blank: off)
     */
    public record Routing(Strategy strategy, double prefixWeight, double queueWeight, double kvUsageWeight,
            int blockSize, int maxPrefixBlocks, int lruCapacityPerWorker, String sessionHeader) {}

    /**
     * @param registryUrl   where worker leases are read ({@code GET /workers}); blank: static list only
     * @param refresh       how often leases are re-read
     * @param metricsPoll   how often each worker's {@code /metrics} is scraped
     * @param staticWorkers workers always in the pool, besides the registry's
     */
    public record Discovery(String registryUrl, Duration refresh, Duration metricsPoll, List<StaticWorker> staticWorkers) {
        public Discovery {
            staticWorkers = staticWorkers == null ? List.of() : List.copyOf(staticWorkers);
        }
    }

    /** A worker given in configuration: the model it serves and its base URL. */
    public record StaticWorker(String model, URI url) {}

    /**
     * @param connectTimeout    TCP connect to a worker
     * @param firstByteTimeout  until a worker's response headers arrive
     * @param idleTimeout       longest silence inside a streamed response before the gateway gives up
     * @param maxAttempts       workers tried per request before the first byte (1 = no retry)
     * @param ejectAfterFailures consecutive failures that take a worker out of rotation
     * @param probeAfter        how long an ejected worker waits before its health is probed again
     */
    public record Upstream(Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int maxAttempts,
            int ejectAfterFailures, Duration probeAfter) {}

    /**
     * @param requestsPerWindow requests each key may send per request window (0: unlimited)
     * @param requestWindow     the request-rate window
     * @param tokensPerWindow   prompt + completion tokens each key may use per token window (0: unlimited)
     * @param tokenWindow       the token-budget window
     * @param perKey            overrides by key name, e.g. {@code per-key.team-a.tokens-per-window: 50000}
     */
    public record Limits(long requestsPerWindow, Duration requestWindow, long tokensPerWindow, Duration tokenWindow,
            Map<String, KeyLimit> perKey) {
        public Limits {
            perKey = perKey == null ? Map.of() : Map.copyOf(perKey);
        }

        /** The request limit of the key named {@code keyName} (its override, else the default). */
        public long requestsFor(String keyName) {
            KeyLimit k = perKey.get(keyName);
            return k != null && k.requestsPerWindow() != null ? k.requestsPerWindow() : requestsPerWindow;
        }

        /** The token budget of the key named {@code keyName} (its override, else the default). */
        public long tokensFor(String keyName) {
            KeyLimit k = perKey.get(keyName);
            return k != null && k.tokensPerWindow() != null ? k.tokensPerWindow() : tokensPerWindow;
        }
    }

    /** One key's own limits (by the key's name in {@code quanta.edge.api-keys}); null fields keep the default. */
    public record KeyLimit(Long requestsPerWindow, Long tokensPerWindow) {}

    /** @param allowedOrigins origins allowed by CORS (empty: CORS off) */
    public record Cors(List<String> allowedOrigins) {
        public Cors {
            allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        }
    }

    /** Where the platform's services answer, proxied under /platform/registry and /platform/planner. */
    public record Platform(String registryUrl, String plannerUrl) {}
}
