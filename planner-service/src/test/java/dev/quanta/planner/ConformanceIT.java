package dev.quanta.planner;

import dev.quanta.testsupport.EdgeConformance;
import dev.quanta.testsupport.EdgeConformance.Request;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The planner answers each common fault with the problem type and status every service uses. */
class ConformanceIT extends PlannerITSupport {

    @Test
    void answersEveryCommonFaultFromTheSharedCatalogue() {
        String gpu = "{\"memoryGb\":16,\"bandwidthGbPerSecond\":300,\"fp16Tflops\":65,\"available\":1}";
        new EdgeConformance(URI.create("http://127.0.0.1:" + port + "/"), TOKEN, WORKER_TOKEN,
                new Request("PUT", "/gpus/CONF-GPU", gpu), gpu.replace("\"memoryGb\":16", "\"memoryGb\":-1"),
                new Request("DELETE", "/plan", null), 65536).verify();
    }
}
