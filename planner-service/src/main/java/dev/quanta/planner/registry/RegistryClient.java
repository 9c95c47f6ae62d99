package dev.quanta.planner.registry;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.planner.domain.InvalidInputException;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.domain.Names;
import dev.quanta.planner.system.NotFoundException;
import dev.quanta.planner.system.UpstreamException;
import dev.quanta.registry.api.ModelProfileResponse;
import dev.quanta.registry.api.RegistryApi;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConversionException;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;

/**
 * Model profiles from the registry through its typed contract ({@link RegistryApi}, the registry's own
 * records) with a Caffeine cache:
 *
 * <ul>
 *   <li>a key missing from the cache is loaded once however many requests ask for it at the same time
 *       (they wait for the one load);
 *   <li>after {@code cache-ttl} the next request is answered from the cache while one background reload
 *       asks the registry again (stale-while-revalidate); when that reload fails (registry down, 5xx) the
 *       cached profile is kept and served; when the registry says the profile is gone (404) it is dropped;
 *   <li>at most {@code cache-max-entries} profiles are kept.
 * </ul>
 *
 * With nothing cached, a registry that is down is a 503 problem; an unknown key is a 404 listing the closest
 * keys the registry knows; a profile the planner cannot use is a 502.
 */
@Component
public class RegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
    private static final String KEYS = "keys";

    private final RegistryApi api;
    private final RegistryProperties properties;
    private final LoadingCache<String, ModelShape> profiles;
    private final LoadingCache<String, List<String>> knownKeys;

    @Autowired
    public RegistryClient(RegistryApi api, RegistryProperties properties) {
        // NOTE: reloads run on a virtual thread each, so the request that finds a profile past its TTL is
        // answered from the cache at once instead of waiting for the registry.
        this(api, properties, Ticker.systemTicker(), task -> Thread.ofVirtual().name("registry-reload").start(task));
    }

    /** With {@code executor} running reloads and cache maintenance (tests pass {@code Runnable::run}). */
    RegistryClient(RegistryApi api, RegistryProperties properties, Ticker ticker, Executor executor) {
        this.api = api;
        this.properties = properties;
        this.profiles = Caffeine.newBuilder().ticker(ticker).executor(executor)
                .maximumSize(properties.cacheMaxEntries())
                .refreshAfterWrite(properties.cacheTtl())
                .build(new ProfileLoader());
        this.knownKeys = Caffeine.newBuilder().ticker(ticker).executor(executor)
                .refreshAfterWrite(properties.cacheTtl())
                .build(new CacheLoader<>() {
                    @Override
                    public List<String> load(String ignored) {
                        return fetchKeys();
                    }

                    @Override
                    public List<String> reload(String ignored, List<String> old) {
                        try {
                            return fetchKeys();
                        } catch (RestClientException e) {
                            return old;
                        }
                    }
                });
    }

    /** The model {@code key}: cached, else loaded once from the registry. */
    public ModelShape model(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("model", "query parameter 'model' must not be blank");
        }
        try {
            return profiles.get(key);
        } catch (MissingProfile e) {
            List<String> known = keysForSuggestions();
            // NOTE: "Qwen-72B" or "qwen72b" name exactly one registry key once case and separators are
            // ignored; follow it rather than refuse (never twice: the resolved key is a known one).
            var spelledDifferently = Names.resolve(key, known).filter(k -> !k.equals(key));
            if (spelledDifferently.isPresent()) {
                return model(spelledDifferently.get());
            }
            throw new NotFoundException("model", "model", key, Names.closest(key, known, 3));
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** How many profiles the cache holds now (after pending evictions). */
    long cachedProfiles() {
        profiles.cleanUp();
        return profiles.estimatedSize();
    }

    private final class ProfileLoader implements CacheLoader<String, ModelShape> {
        @Override
        public ModelShape load(String key) {
            return fetch(key);
        }

        @Override
        public ModelShape reload(String key, ModelShape old) {
            try {
                return fetch(key);
            } catch (MissingProfile e) {
                log.info("model {} is gone from the registry; dropping its cached profile", key);
                return null;
            } catch (UpstreamException e) {
                log.warn("registry refresh of {} failed ({}); serving the cached profile", key, e.getMessage());
                return old;
            }
        }
    }

    private ModelShape fetch(String key) {
        ModelProfileResponse body;
        try {
            body = api.model(key);
        } catch (HttpClientErrorException.NotFound e) {
            throw new MissingProfile();
        } catch (HttpClientErrorException e) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry refused GET /models/" + key
                    + " with " + e.getStatusCode().value(), e);
        } catch (RestClientException e) {
            if (e.getCause() instanceof HttpMessageConversionException unreadable) {
                // NOTE: the body does not fit the registry's own record (a required field missing or mistyped)
                throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry's profile of " + key
                        + " does not follow the contract: " + unreadableField(unreadable), e);
            }
            throw unavailable(e);
        }
        if (body == null) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry answered GET /models/" + key
                    + " without a body", null);
        }
        try {
            return new ModelShape(body.key(), body.name(), body.parametersBillions(), body.fp16MemoryGb(),
                    body.layers(), body.hiddenSize(), body.attentionHeads(), body.kvHeads(), body.headDim(),
                    body.contextLength(), body.vocabSize());
        } catch (InvalidInputException e) {
            throw new UpstreamException(HttpStatus.BAD_GATEWAY, "the registry's profile of " + key
                    + " cannot be planned: " + e.getMessage(), e);
        }
    }

    /** "field 'x' …" from the JSON reader's reference path, or the reader's first message line. */
    private static String unreadableField(HttpMessageConversionException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                String field = jackson.getPath().getLast().getPropertyName();
                if (field != null) {
                    return "field '" + field + "' is missing or has the wrong type";
                }
            }
        }
        return String.valueOf(e.getMostSpecificCause().getMessage()).lines().findFirst().orElse("unreadable");
    }

    /** Model keys the registry knows (first page), cached like profiles; empty when unreachable. */
    private List<String> keysForSuggestions() {
        try {
            return knownKeys.get(KEYS);
        } catch (RestClientException e) {
            log.warn("could not list registry models for suggestions: {}", e.getMessage());
            return List.of();
        }
    }

    private List<String> fetchKeys() {
        var page = api.models(0, RegistryApi.MAX_PAGE_SIZE);
        return page == null || page.items() == null ? List.of()
                : page.items().stream().map(ModelProfileResponse::key).toList();
    }

    private UpstreamException unavailable(RestClientException e) {
        String why = e instanceof HttpServerErrorException s ? "answered " + s.getStatusCode().value()
                : "is unreachable (" + e.getClass().getSimpleName() + ")";
        return new UpstreamException(HttpStatus.SERVICE_UNAVAILABLE, "the model registry at " + properties.url()
                + " " + why + " and no cached profile is available", e);
    }

    /** The registry answered 404 for a profile; never cached. */
    private static final class MissingProfile extends RuntimeException {
        MissingProfile() {
            super(null, null, false, false);
        }
    }
}
