package dev.quanta.worker.api;

import dev.quanta.worker.config.EngineLoader;
import dev.quanta.worker.config.WorkerApplication;
import dev.quanta.worker.model.GoldenFiles;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker started on a random port with the {@link FakeEngine} in place of the step loop (the real stories260K
 * file for its tokenizer and chat template), for the API's shape tests. Subclasses share one application context;
 * the engine is reset before every test and closed with the context.
 */
@SpringBootTest(classes = {WorkerApplication.class, FakeEngineWorkerTest.Fake.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"quanta.worker.warmup=false", "quanta.worker.served-model-name=tiny"})
abstract class FakeEngineWorkerTest {

    static FakeEngine engine;

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("quanta.worker.model", () -> GoldenFiles.model("stories260K").toString());
    }

    @TestConfiguration
    static class Fake {
        @Bean
        @Primary
        EngineLoader fakeEngineLoader() {
            return (file, config) -> {
                engine = new FakeEngine(file);
                return engine;
            };
        }
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void ready() throws Exception {
        http = new Http(port);
        for (int i = 0; i < 600 && http.get("/health").statusCode() != 200; i++) {
            Thread.sleep(50);
        }
        engine.reset();
    }
}
