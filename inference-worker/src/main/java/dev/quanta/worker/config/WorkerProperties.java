package dev.quanta.worker.config;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.engine.EngineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker's settings ({@code quanta.worker.*}; {@code bin/quanta serve} flags map onto them).
 *
 * @param model            GGUF file to serve (required)
 * @param servedModelName  name clients use; empty = derived from the file name by the registry's key rules
 *                         ({@link ServedNames#fromFile})
 * @param threads          kernel threads; 0 = all cores
 * @param kvCacheGib       KV cache budget in GiB; 0 = {@link EngineConfig#DEFAULT_KV_FRACTION} of free memory
 * @param kvCacheDtype     {@code f16} (default) or {@code f32}
 * @param maxModelLen      positions per sequence; 0 = the model's context, at most
 *                         {@link EngineConfig#DEFAULT_MAX_MODEL_LEN}
 * @param maxBatchedTokens token budget of one engine step (default 512)
 * @param maxSeqs          sequences running at once (default 64); also the capacity announced to the registry
 * @param maxWaiting       requests queued beyond the running ones before 429 (default 256)
 * @param javaKernels      use the pure-Java reference kernels (tests)
 * @param warmup           run one short generation after loading, before reporting healthy (default true)
 * @param registryUrl      registry-service base URL to lease with; empty = do not register
 * @param registryToken    bearer credential for the registry's lease writes (default: env QUANTA_WORKER_TOKEN,
 *                         else QUANTA_ADMIN_TOKEN)
 * @param advertisedUrl    base URL announced to the registry; empty = {@code http://<host>:<port>} (loopback when
 *                         bound to every interface)
 * @param workerId         lease id; empty = {@code <served name>-<host>-<port>}
 * @param drainTimeout     on shutdown, how long running requests may finish before they are cancelled (30 s)
 */
@ConfigurationProperties("quanta.worker")
public record WorkerProperties(
        Path model,
        @DefaultValue("") String servedModelName,
        @DefaultValue("0") int threads,
        @DefaultValue("0") double kvCacheGib,
        @DefaultValue("f16") String kvCacheDtype,
        @DefaultValue("0") int maxModelLen,
        @DefaultValue("512") int maxBatchedTokens,
        @DefaultValue("64") int maxSeqs,
        @DefaultValue("256") int maxWaiting,
        @DefaultValue("false") boolean javaKernels,
        @DefaultValue("true") boolean warmup,
        @DefaultValue("") String registryUrl,
        @DefaultValue("") String registryToken,
        @DefaultValue("") String advertisedUrl,
        @DefaultValue("") String workerId,
        @DefaultValue("30s") Duration drainTimeout) {

    public WorkerProperties {
        if (model == null) {
            throw new IllegalArgumentException("quanta.worker.model (--model) is required");
        }
    }

    /** The served name: as configured, or derived from the file name. */
    public String effectiveServedName() {
        return servedModelName.isBlank() ? ServedNames.fromFile(model) : servedModelName;
    }

    /** @throws IllegalArgumentException for an out-of-range setting, naming its flag */
    public EngineConfig engineConfig() {
        GgmlType kv = switch (kvCacheDtype.toLowerCase(Locale.ROOT)) {
            case "f16" -> GgmlType.F16;
            case "f32" -> GgmlType.F32;
            default -> throw new IllegalArgumentException("--kv-cache-dtype must be f16 or f32, got '"
                    + kvCacheDtype + "'");
        };
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new EngineConfig(t, kvCacheGib, kv, maxModelLen, maxBatchedTokens, maxSeqs, maxWaiting,
                EngineConfig.DEFAULT_BLOCK_SIZE, javaKernels);
    }
}
