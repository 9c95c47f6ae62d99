package dev.quanta.gateway.config;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.gateway.web.DirectDispatchFilter;
import dev.quanta.gateway.web.ErrorWriter;
import dev.quanta.gateway.web.GatewayException;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Servlet filters in front of the security chain: the {@code http.server.requests} observation (not on the
 * inference paths, see {@link #serverObservationFilter}), no request-context filter, CORS (preflights need no key; while CORS is off,
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

    /**
     * Boot's {@code http.server.requests} observation everywhere but on the inference paths (the routes of the
     * {@link DirectDispatchFilter}; this bean replaces Boot's, with its order and dispatcher types). Those are
     * timed by {@code quanta.gateway.request.duration} by API, model and outcome instead, with the worker in
     * {@code quanta.gateway.requests}: a timer and a counter from cached meters, where an observation builds a
     * context, key values, a scope and a meter lookup per request (about 4 % of a proxied request's CPU in a
     * profile).
     */
    @Bean
    FilterRegistrationBean<ServerHttpObservationFilter> serverObservationFilter(ObservationRegistry registry,
            DirectDispatchFilter direct) {
        ServerHttpObservationFilter filter = new ServerHttpObservationFilter(registry) {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return direct.routes().containsKey(request.getRequestURI());
            }
        };
        FilterRegistrationBean<ServerHttpObservationFilter> bean = new FilterRegistrationBean<>(filter);
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        bean.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return bean;
    }

    /**
     * Boot's {@code RequestContextFilter} not registered: it exposes the request to filters in front of the
     * dispatcher through thread-locals, and none of the gateway's reads them (the dispatcher servlet still does
     * the same for the controllers).
     */
    @Bean
    FilterRegistrationBean<RequestContextFilter> requestContextFilter() {
        FilterRegistrationBean<RequestContextFilter> bean = new FilterRegistrationBean<>(new RequestContextFilter());
        bean.setEnabled(false);
        return bean;
    }

    /** The inference calls' direct route from the end of the filter chain to their controller methods. */
    @Bean
    DirectDispatchFilter directDispatch(@Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mapping,
            @Qualifier("handlerExceptionResolver") HandlerExceptionResolver resolver) {
        return new DirectDispatchFilter(mapping, resolver);
    }

    /**
     * The inference calls handed to their controller methods after the security chain, without the dispatcher
     * servlet's per-request work (see {@link DirectDispatchFilter}); last of all filters.
     */
    @Bean
    FilterRegistrationBean<DirectDispatchFilter> directDispatchFilter(DirectDispatchFilter direct) {
        FilterRegistrationBean<DirectDispatchFilter> bean = new FilterRegistrationBean<>(direct);
        bean.setDispatcherTypes(DispatcherType.REQUEST);
        bean.setOrder(Ordered.LOWEST_PRECEDENCE);
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
