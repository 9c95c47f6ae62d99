package dev.quanta.gateway.config;

import dev.quanta.gateway.routing.Ejection;
import dev.quanta.gateway.routing.PrefixHasher;
import dev.quanta.gateway.routing.PrefixIndex;
import dev.quanta.gateway.routing.Router;
import dev.quanta.gateway.routing.Weights;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the pure routing core from the typed settings, once, and logs the choice. */
@Configuration
class RoutingConfig {

    private static final Logger log = LoggerFactory.getLogger(RoutingConfig.class);

    @Bean
    Router router(GatewayProperties properties) {
        GatewayProperties.Routing r = properties.routing();
        log.info("routing: strategy {}, weights prefix {} / queue {} / KV {}, {}-character blocks", r.strategy(),
                r.prefixWeight(), r.queueWeight(), r.kvUsageWeight(), r.blockSize());
        return new Router(r.strategy(), new Weights(r.prefixWeight(), r.queueWeight(), r.kvUsageWeight()),
                new PrefixHasher(r.blockSize(), r.maxPrefixBlocks()), new PrefixIndex(r.lruCapacityPerWorker()));
    }

    @Bean
    Ejection ejection(GatewayProperties properties) {
        return new Ejection(properties.upstream().ejectAfterFailures(), properties.upstream().probeAfter());
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
