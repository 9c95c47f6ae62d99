package dev.quanta.planner.registry;

import dev.quanta.planner.config.RegistryProperties;
import dev.quanta.registry.api.RegistryApi;
import java.net.http.HttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/** The registry's typed client over a {@link RestClient} with the configured connect and read timeouts. */
@Configuration(proxyBeanMethods = false)
public class RegistryApiConfiguration {

    @Bean
    RegistryApi registryApi(RestClient.Builder builder, RegistryProperties properties) {
        return create(builder, properties);
    }

    /** A client of the registry at {@code properties.url()}; also used by tests. */
    public static RegistryApi create(RestClient.Builder builder, RegistryProperties properties) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(client);
        factory.setReadTimeout(properties.readTimeout());
        RestClient rest = builder.clone().baseUrl(properties.url().toString()).requestFactory(factory).build();
        return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest)).build()
                .createClient(RegistryApi.class);
    }
}
