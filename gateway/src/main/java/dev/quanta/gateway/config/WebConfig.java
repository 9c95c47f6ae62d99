package dev.quanta.gateway.config;

import dev.quanta.gateway.auth.AccessFilter;
import dev.quanta.gateway.auth.KeyRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/** The servlet filters in front of every endpoint: CORS first (preflights need no key), then access. */
@Configuration
class WebConfig {

    private static final Logger log = LoggerFactory.getLogger(WebConfig.class);

    @Bean
    KeyRing keyRing(GatewayProperties properties) {
        GatewayProperties.Keys k = properties.keys();
        KeyRing ring = new KeyRing(k.apiKeys(), k.apiKeyHashes(), k.adminToken());
        if (ring.size() == 0) {
            log.warn("no API keys configured (QUANTA_API_KEYS): every /v1 and /api request will be refused with 401");
        } else {
            log.info("{} API key(s) loaded (kept as SHA-256 digests only)", ring.size());
        }
        return ring;
    }

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(GatewayProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        properties.cors().allowedOrigins().forEach(cors::addAllowedOrigin);
        cors.addAllowedMethod("GET");
        cors.addAllowedMethod("POST");
        cors.addAllowedMethod("PUT");
        cors.addAllowedMethod("PATCH");
        cors.addAllowedMethod("DELETE");
        cors.addAllowedHeader("*");
        cors.addExposedHeader("Retry-After");
        cors.addExposedHeader("X-Request-Id");
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!properties.cors().allowedOrigins().isEmpty()) {
            source.registerCorsConfiguration("/**", cors);
        }
        FilterRegistrationBean<CorsFilter> bean = new FilterRegistrationBean<>(new CorsFilter(source));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    @Bean
    FilterRegistrationBean<AccessFilter> accessFilter(KeyRing keys) {
        FilterRegistrationBean<AccessFilter> bean = new FilterRegistrationBean<>(new AccessFilter(keys));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return bean;
    }
}
