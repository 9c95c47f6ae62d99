package dev.quanta.planner.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.system.NotFoundException;
import dev.quanta.planner.system.UpstreamException;
import dev.quanta.registry.api.ModelProfileResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;

/** The planner's side of the registry contract over real HTTP, against the contract stub. */
class RegistryClientTest {

    /** A ticker the test moves by hand. */
    static final class ManualTicker implements Ticker {
        private final AtomicLong nanos = new AtomicLong();

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }

        @Override
        public long read() {
            return nanos.get();
        }
    }

    private ContractRegistryStub registry;
    private ManualTicker ticker;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = new ContractRegistryStub();
        ticker = new ManualTicker();
        client = client(registry.url(), Duration.ofSeconds(15), 2);
    }

    private RegistryClient client(URI url, Duration readTimeout, int maxEntries) {
        RegistryProperties properties = new RegistryProperties(url, Duration.ofMillis(500), readTimeout,
                Duration.ofSeconds(60), maxEntries);
        return new RegistryClient(RegistryApiConfiguration.create(RestClient.builder(), properties), properties,
                ticker, Runnable::run);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void readsTheShapeTheRegistryServes() {
        ModelShape qwen = client.model("qwen-72b");

        assertThat(qwen.name()).isEqualTo("Qwen2.5-72B");
        assertThat(qwen.parametersBillions()).isEqualTo(72);
        assertThat(qwen.fp16MemoryGb()).isEqualTo(144);
        assertThat(qwen.layers()).isEqualTo(80);
        assertThat(qwen.kvHeads()).isEqualTo(8);
        assertThat(qwen.headDim()).isEqualTo(128);
        assertThat(qwen.contextLength()).isEqualTo(ContractRegistryStub.SEED.get("qwen-72b").contextLength());
    }

    @Test
    void loadsAMissingKeyOnceHoweverManyRequestsAskAtTheSameTime() throws Exception {
        registry.slowMillis(300);
        registry.mode(ContractRegistryStub.Mode.SLOW);
        int callers = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ModelShape>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return client.model("llama-13b");
                }));
            }
            go.countDown();
            for (Future<ModelShape> result : results) {
                assertThat(result.get().layers()).isEqualTo(40);
            }
        }
        // NOTE: the hand-made cache this replaced let every concurrent miss call the registry (16 here).
        assertThat(registry.modelRequests()).isEqualTo(1);
    }

    @Test
    void reusesAProfileWithinTheTtlAndReloadsAfter() {
        client.model("llama-7b");
        client.model("llama-7b");
        assertThat(registry.modelRequests()).isEqualTo(1);

        registry.put(new ModelProfileResponse("llama-7b", "Llama-2-7B renamed", "llama", "llama", 7, 14, 32, 4096,
                32, 32, 128, 4096, 32000, 1));
        ticker.advance(Duration.ofSeconds(59));
        assertThat(client.model("llama-7b").name()).isEqualTo("Llama-2-7B");
        assertThat(registry.modelRequests()).isEqualTo(1);

        ticker.advance(Duration.ofSeconds(2));
        // NOTE: the test runs reloads on the calling thread, so this call sees the reloaded profile; the
        // service runs them on a virtual thread and answers this call from the cache meanwhile.
        assertThat(client.model("llama-7b").name()).isEqualTo("Llama-2-7B renamed");
        assertThat(registry.modelRequests()).isEqualTo(2);
    }

    @Test
    void aStaleProfileIsServedWhileTheRegistryIsDown() {
        ModelShape first = client.model("llama-70b");
        ticker.advance(Duration.ofMinutes(10));
        registry.mode(ContractRegistryStub.Mode.FAILING);

        assertThat(client.model("llama-70b")).isEqualTo(first);
        ticker.advance(Duration.ofMinutes(10));
        assertThat(client.model("llama-70b")).isEqualTo(first);
    }

    @Test
    void aProfileDeletedFromTheRegistryIsDroppedOnReload() {
        client.model("qwen-7b");
        registry.remove("qwen-7b");
        ticker.advance(Duration.ofSeconds(61));

        client.model("qwen-7b"); // the cached one, while the reload learns it is gone
        assertThatThrownBy(() -> client.model("qwen-7b")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void unknownKeyIsNotFoundWithTheClosestKeysFromTheListing() {
        assertThatThrownBy(() -> client.model("qwen-70b"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.suggestions()).contains("qwen-72b");
                    assertThat(e.getMessage()).contains("qwen-70b");
                });
        assertThatThrownBy(() -> client.model("lama-13b"))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.suggestions()).first().isEqualTo("llama-13b"));
    }

    @Test
    void aKeySpelledWithOtherCaseOrSeparatorsFindsTheRegistryKey() {
        assertThat(client.model("Qwen-72B").key()).isEqualTo("qwen-72b");
        assertThat(client.model("llama_70b").key()).isEqualTo("llama-70b");
    }

    @Test
    void registryDownWithNothingCachedIs503() {
        registry.mode(ContractRegistryStub.Mode.FAILING);

        assertThatThrownBy(() -> client.model("llama-7b"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void registryUnreachableIs503() {
        RegistryClient nowhere = client(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1), 2);

        assertThatThrownBy(() -> nowhere.model("llama-7b"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void aSlowRegistryTimesOutInto503() {
        RegistryClient impatient = client(registry.url(), Duration.ofMillis(200), 2);
        registry.mode(ContractRegistryStub.Mode.SLOW);

        assertThatThrownBy(() -> impatient.model("llama-7b"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void aProfileWithoutTheShapeIsABadGateway() {
        registry.put("broken", "{\"key\":\"broken\",\"name\":\"Broken\",\"parametersBillions\":7}");

        assertThatThrownBy(() -> client.model("broken"))
                .isInstanceOfSatisfying(UpstreamException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.BAD_GATEWAY);
                    assertThat(e.getMessage()).contains("fp16MemoryGb");
                });
    }

    @Test
    void cacheKeepsAtMostItsConfiguredNumberOfProfiles() {
        client.model("llama-7b");
        client.model("llama-13b");
        client.model("qwen-7b");

        assertThat(client.cachedProfiles()).isLessThanOrEqualTo(2);
    }
}
