package dev.quanta.gateway.config;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.gateway.web.ErrorWriter;
import dev.quanta.gateway.web.GatewayException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Servlet filters in front of the security chain: CORS first (preflights need no key; while CORS is off,
 * requests without an Origin header pass straight on), then the declared
 * body size, refused in the shape of the API asked (the edge's own filter after it counts chunked bodies).
 */
@Configuration
class WebConfig {

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(GatewayProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        properties.cors().allowedOrigins().forEach(cors::addAllowedOrigin);
        for (String method : new String[] {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
            cors.addAllowedMethod(method);
        }
        cors.addAllowedHeader("*");
        cors.addExposedHeader("Retry-After");
        cors.addExposedHeader("X-Request-Id");
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (!properties.cors().allowedOrigins().isEmpty()) {
            source.registerCorsConfiguration("/**", cors);
        }
        boolean corsOff = properties.cors().allowedOrigins().isEmpty();
        FilterRegistrationBean<CorsFilter> bean = new FilterRegistrationBean<>(new CorsFilter(source) {
            /**
             * With no origin allowed, a request without an Origin header gets nothing from this filter (no
             * configuration, so not even the Vary headers it adds when CORS is on): no path to resolve for it.
             */
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return corsOff && request.getHeader(HttpHeaders.ORIGIN) == null;
            }
        });
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    /** A plain filter on the request dispatch (no once-per-request bookkeeping: the gateway never forwards). */
    @Bean
    FilterRegistrationBean<Filter> declaredBodyLimit(EdgeProperties edge) {
        long limit = edge.maxBodyBytes();
        Filter filter = (servletRequest, servletResponse, chain) -> {
            if (servletRequest instanceof HttpServletRequest request && request.getContentLengthLong() > limit) {
                String path = request.getRequestURI();
                ErrorWriter.write((HttpServletResponse) servletResponse, path, path, new GatewayException(413,
                        "request_too_large", "request body of " + request.getContentLengthLong() + " bytes exceeds "
                        + limit));
                return;
            }
            chain.doFilter(servletRequest, servletResponse);
        };
        FilterRegistrationBean<Filter> bean = new FilterRegistrationBean<>(filter);
        bean.setDispatcherTypes(DispatcherType.REQUEST);
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        return bean;
    }
}
