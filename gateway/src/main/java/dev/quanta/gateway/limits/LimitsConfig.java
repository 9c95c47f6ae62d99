package dev.quanta.gateway.limits;

import dev.quanta.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The per-key limits: leases (pure) over the PostgreSQL counters. */
@Configuration
class LimitsConfig {

    @Bean
    KeyLimits keyLimits(UsageStore store, GatewayProperties properties) {
        return new LeasedKeyLimits(store, properties.limits(), System::nanoTime);
    }
}
