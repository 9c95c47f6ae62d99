package dev.quanta.planner.config;

import dev.quanta.planner.domain.CapacityPlanner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PlannerProperties.class, RegistryProperties.class})
class PlannerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlannerConfiguration.class);

    @Bean
    CapacityPlanner capacityPlanner(PlannerProperties properties) {
        log.info("Planner assumptions: {}", properties.assumptions());
        return new CapacityPlanner(properties.assumptions());
    }
}
