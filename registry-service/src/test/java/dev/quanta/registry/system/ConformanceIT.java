package dev.quanta.registry.system;

import dev.quanta.registry.HttpApi;
import dev.quanta.registry.RegistryITSupport;
import dev.quanta.testsupport.EdgeConformance;
import dev.quanta.testsupport.EdgeConformance.Request;
import org.junit.jupiter.api.Test;

/** The registry answers each common fault with the problem type and status every service uses. */
class ConformanceIT extends RegistryITSupport {

    @Test
    void answersEveryCommonFaultFromTheSharedCatalogue() {
        new EdgeConformance(api.uri("/"), HttpApi.ADMIN_TOKEN, HttpApi.WORKER_TOKEN,
                new Request("POST", "/models", profileJson("conf-model", "llama", "llama")),
                profileJson("conf-model", "llama", "llama").replace("\"layers\":28", "\"layers\":0"),
                new Request("DELETE", "/models", null), 65536).verify();
    }
}
