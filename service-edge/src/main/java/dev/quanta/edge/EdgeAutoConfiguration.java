package dev.quanta.edge;

import dev.quanta.edge.problem.DataAccessProblemHandler;
import dev.quanta.edge.problem.EdgeProblemHandler;
import dev.quanta.edge.problem.ProblemWriter;
import dev.quanta.edge.security.CredentialStore;
import dev.quanta.edge.security.EdgeAuthenticationProvider;
import dev.quanta.edge.security.EdgeRole;
import dev.quanta.edge.security.EdgeRoutes;
import dev.quanta.edge.security.EdgeSecurity;
import dev.quanta.edge.security.HeaderCharacters;
import dev.quanta.edge.web.BodySizeLimitFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpFirewall;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shared web edge of a Quanta service, switched on by the dependency alone: hashed bearer credentials
 * and the roles' filter chain ({@link EdgeSecurity}), the problem catalogue's handlers, the body-size limit.
 * Configured by {@link EdgeProperties}; a service adds its own rules as {@link EdgeRoutes} beans.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        // NOTE: before WebMvc so that its ProblemDetailsExceptionHandler (spring.mvc.problemdetails.enabled)
        // steps aside for ours (it is conditional on no other ResponseEntityExceptionHandler).
        "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(EdgeProperties.class)
public class EdgeAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EdgeAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    ProblemWriter edgeProblemWriter(ObjectProvider<JsonMapper> json) {
        return new ProblemWriter(json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    @ConditionalOnMissingBean
    CredentialStore edgeCredentials(EdgeProperties properties) {
        CredentialStore store = CredentialStore.of(properties.adminTokens(), properties.workerTokens(),
                properties.apiKeys(), properties.metricsTokens());
        if (!store.has(EdgeRole.ADMIN)) {
            log.warn("no admin credential configured (quanta.edge.admin-tokens, usually QUANTA_ADMIN_TOKEN): every "
                    + "write, the metrics and the API docs are refused until one is");
        }
        store.weakEntries().forEach(entry -> log.warn("{} holds a secret shorter than {} characters; use a random "
                + "token of at least 32", entry, CredentialStore.MIN_SECRET_LENGTH));
        log.info("edge credentials: {} admin, {} worker, {} API key, {} metrics", store.count(EdgeRole.ADMIN),
                store.count(EdgeRole.WORKER), store.count(EdgeRole.API_KEY), store.count(EdgeRole.METRICS));
        return store;
    }

    @Bean
    @ConditionalOnMissingBean
    EdgeAuthenticationProvider edgeAuthenticationProvider(CredentialStore credentials) {
        return new EdgeAuthenticationProvider(credentials);
    }

    @Bean
    @ConditionalOnMissingBean
    EdgeSecurity edgeSecurity(EdgeProperties properties, EdgeAuthenticationProvider provider, ProblemWriter problems,
            Environment environment) {
        return new EdgeSecurity(properties, provider, problems, environment);
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain edgeSecurityFilterChain(HttpSecurity http, EdgeSecurity edge,
            ObjectProvider<EdgeRoutes> routes) throws Exception {
        return edge.apply(http, routes.orderedStream().toList());
    }

    /**
     * Spring Security's strict firewall, with its header rules checked by loops instead of regular expressions
     * (the security chain takes the {@link HttpFirewall} bean).
     */
    @Bean
    @ConditionalOnMissingBean(HttpFirewall.class)
    HttpFirewall edgeHttpFirewall() {
        return HeaderCharacters.firewall();
    }

    @Bean
    @ConditionalOnMissingBean
    EdgeProblemHandler edgeProblemHandler() {
        return new EdgeProblemHandler();
    }

    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> edgeBodySizeLimitFilter(EdgeProperties properties,
            ProblemWriter problems) {
        FilterRegistrationBean<BodySizeLimitFilter> registration = new FilterRegistrationBean<>(
                new BodySizeLimitFilter(properties.maxBodyBytes(), problems));
        // NOTE: before Spring Security's chain (order -100): an oversized body is refused before anything reads it.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** 409 problems for database refusals, where Spring's data access is present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.dao.DataIntegrityViolationException")
    static class DataAccessProblems {

        @Bean
        @ConditionalOnMissingBean
        DataAccessProblemHandler edgeDataAccessProblemHandler() {
            return new DataAccessProblemHandler();
        }
    }
}
