package dev.quanta.planner.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.system.NotFoundException;
import dev.quanta.planner.system.UpstreamException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;

class RegistryClientTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private ContractRegistryStub registry;
    private ManualClock clock;
    private RegistryClient client;

    @BeforeEach
    void start() throws Exception {
        registry = new ContractRegistryStub();
        clock = new ManualClock();
        client = client(registry.url(), Duration.ofSeconds(15));
    }

    private RegistryClient client(URI url, Duration readTimeout) {
        return new RegistryClient(RestClient.builder(),
                new RegistryProperties(url, Duration.ofMillis(500), readTimeout, Duration.ofSeconds(60), 2), clock);
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
        assertThat(qwen.contextLength()).isEqualTo(32768);
    }

    @Test
    void reusesAProfileWithinTheTtlAndRefetchesAfter() {
        client.model("llama-7b");
        client.model("llama-7b");
        assertThat(registry.modelRequests()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));
        client.model("llama-7b");
        assertThat(registry.modelRequests()).isEqualTo(2);
    }

    @Test
    void unknownKeyIsNotFoundWithTheClosestKeysFromAPagedListing() {
        assertThatThrownBy(() -> client.model("qwen-70b"))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.suggestions()).contains("qwen-72b");
                    assertThat(e.getMessage()).contains("qwen-70b");
                });
    }

    @Test
    void aKeySpelledWithOtherCaseOrSeparatorsFindsTheRegistryKey() {
        assertThat(client.model("Qwen-72B").key()).isEqualTo("qwen-72b");
        assertThat(client.model("llama_70b").key()).isEqualTo("llama-70b");
    }

    @Test
    void unknownKeyIsNotFoundWithSuggestionsFromABareArrayListing() {
        registry.pagedListing(false);
        assertThatThrownBy(() -> client.model("lama-13b"))
                .isInstanceOfSatisfying(NotFoundException.class,
                        e -> assertThat(e.suggestions()).first().isEqualTo("llama-13b"));
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
        RegistryClient nowhere = client(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1));

        assertThatThrownBy(() -> nowhere.model("llama-7b"))
                .isInstanceOfSatisfying(UpstreamException.class,
                        e -> assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }

    @Test
    void aStaleProfileIsServedWhileTheRegistryIsDown() {
        ModelShape first = client.model("llama-70b");
        clock.advance(Duration.ofMinutes(10));
        registry.mode(ContractRegistryStub.Mode.FAILING);

        assertThat(client.model("llama-70b")).isEqualTo(first);
    }

    @Test
    void aSlowRegistryTimesOutInto503() {
        RegistryClient impatient = client(registry.url(), Duration.ofMillis(200));
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
        clock.advance(Duration.ofSeconds(1));
        client.model("llama-13b");
        clock.advance(Duration.ofSeconds(1));
        client.model("qwen-7b");
        int before = registry.modelRequests();

        client.model("llama-7b"); // the oldest was evicted to make room
        assertThat(registry.modelRequests()).isEqualTo(before + 1);
    }
}
