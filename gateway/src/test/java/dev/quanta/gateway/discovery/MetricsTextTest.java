package dev.quanta.gateway.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gateway.routing.WorkerLoad;
import org.junit.jupiter.api.Test;

class MetricsTextTest {

    @Test
    void readsVllmSeriesAndIgnoresTheRest() {
        String text = """
                # HELP vllm:num_requests_waiting Requests waiting
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="stories"} 3.0
                vllm:num_requests_running{model_name="stories"} 2
                vllm:kv_cache_usage_perc{model_name="stories"} 0.25
                vllm:prefix_cache_queries_total{model_name="stories"} 1024.0 1700000000000
                vllm:prefix_cache_hits_total{model_name="stories"} 768
                jvm_memory_used_bytes{area="heap"} 12345
                vllm:cache_config_info{block_size="16",num_gpu_blocks="100"} 1
                """;
        assertThat(MetricsText.parse(text)).isEqualTo(new WorkerLoad(3, 2, 0.25, 1024, 768));
    }

    @Test
    void toleratesGarbage() {
        assertThat(MetricsText.parse("vllm:num_requests_waiting{x=\"1\"} not-a-number\nvllm:\n\n"))
                .isEqualTo(WorkerLoad.UNKNOWN);
    }
}
