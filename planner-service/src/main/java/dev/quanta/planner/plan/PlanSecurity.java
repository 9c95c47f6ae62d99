package dev.quanta.planner.plan;

import dev.quanta.edge.security.EdgeRoutes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * {@code POST /plan} changes nothing (it plans an ad-hoc shape), so it is open like the other reads; every
 * other write (the inventory) stays the admin's, by the edge's default.
 */
@Configuration(proxyBeanMethods = false)
class PlanSecurity {

    @Bean
    EdgeRoutes adHocPlansAreReads() {
        return routes -> routes.requestMatchers(HttpMethod.POST, "/plan").permitAll();
    }
}
