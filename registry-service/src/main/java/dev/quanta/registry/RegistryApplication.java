package dev.quanta.registry;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The model registry: model profiles, their artifacts, GGUF import and worker leases. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(RegistryApplication.class, args);
    }

    /** The time source for leases; tests replace it to expire leases without sleeping. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
