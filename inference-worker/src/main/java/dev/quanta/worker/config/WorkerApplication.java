package dev.quanta.worker.config;

import dev.quanta.worker.api.WorkerState;
import dev.quanta.worker.engine.LlmEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The OpenAI-compatible worker ({@code bin/quanta serve}): Spring Web MVC at the edge ({@code api}), the engine
 * core without Spring. Settings: {@link WorkerProperties}; defaults in {@code application.yml}.
 */
@SpringBootApplication(scanBasePackages = {"dev.quanta.worker.api", "dev.quanta.worker.config"})
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerApplication {

    @Bean
    WorkerState workerState(WorkerProperties properties) {
        String name = properties.effectiveServedName();
        if (!ServedNames.isValid(name) && !properties.registryUrl().isBlank()) {
            throw new IllegalArgumentException("--served-model-name '" + name + "' is not a valid registry model key "
                    + "(1-64 lower-case letters, digits, '.', '_' or '-')");
        }
        return new WorkerState(name);
    }

    /** The real engine; tests declare a {@code @Primary} loader of their own. */
    @Bean
    EngineLoader engineLoader() {
        return LlmEngine::open;
    }

    @Bean
    WorkerLifecycle workerLifecycle(WorkerProperties properties, WorkerState state, EngineLoader loader,
                                    @Value("${server.address:}") String host) {
        return new WorkerLifecycle(properties, state, loader, host);
    }
}
