package dev.quanta.registry.api;

import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The registry's read API as a typed client ({@code HttpServiceProxyFactory} over a {@code RestClient}).
 * The records are the ones the registry itself serializes, so a renamed field breaks the build of both
 * sides, and {@code RegistryContractIT} in the planner checks this interface against the running registry.
 * Errors arrive as the client's exceptions ({@code HttpClientErrorException.NotFound}, …).
 */
@HttpExchange(accept = "application/json")
public interface RegistryApi {

    /** Largest page the registry serves by default ({@code quanta.registry.max-page-size}). */
    int MAX_PAGE_SIZE = 200;

    @GetExchange("/models/{key}")
    ModelProfileResponse model(@PathVariable("key") String key);

    @GetExchange("/models")
    PageResponse<ModelProfileResponse> models(@RequestParam("page") int page, @RequestParam("size") int size);

    @GetExchange("/models/{key}/artifacts")
    List<ArtifactResponse> artifacts(@PathVariable("key") String key);
}
