package dev.quanta.gateway.limits;

import dev.quanta.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The per-key limits: leases (pure) over the PostgreSQL counters. */
@Configuration
class LimitsConfig {

    @Bean
    KeyLimits keyLimits(UsageStore store, GatewayProperties properties) {
        // reservations ahead run on their own virtual thread each: a few per chunk of requests, each one round trip
        return new LeasedKeyLimits(store, properties.limits(), System::nanoTime,
                task -> Thread.ofVirtual().name("lease-refill").start(task));
    }
}
