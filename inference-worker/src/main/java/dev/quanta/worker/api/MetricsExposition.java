package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineStats;
import java.util.Locale;

/**
 * Prometheus text exposition (format 0.0.4) with vLLM's metric names as its {@code /metrics} shows them: colons
 * kept, counters ending in {@code _total}, a {@code model_name} label on each. Written by hand because
 * Micrometer's Prometheus registry rewrites colons.
 */
public final class MetricsExposition {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private MetricsExposition() {}

    /** @param stats null before the model is loaded (gauges then read 0) */
    public static String render(String modelName, EngineStats stats, ServingMetrics metrics) {
        StringBuilder out = new StringBuilder(4096);
        String label = "model_name=\"" + escape(modelName) + "\"";
        EngineStats s = stats != null ? stats : new EngineStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", label, s.running());
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", label, s.waiting());
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", label, s.kvUsage());
        counter(out, "vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
                label, s.prefixQueriedTokens());
        counter(out, "vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", label,
                s.prefixHitTokens());
        gauge(out, "vllm:cache_config_info", "Information of the LLMEngine CacheConfig.",
                label + ",block_size=\"" + s.blockSize() + "\",num_gpu_blocks=\"" + s.numBlocks() + "\"", 1);
        counter(out, "vllm:prompt_tokens", "Number of prefill tokens processed.", label, s.promptTokens());
        counter(out, "vllm:generation_tokens", "Number of generation tokens processed.", label,
                s.generationTokens());
        counter(out, "vllm:num_preemptions", "Cumulative number of preemption from the engine.", label,
                s.preemptions());
        histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", label,
                metrics.timeToFirstToken.snapshot());
        histogram(out, "vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", label,
                metrics.interTokenLatency.snapshot());
        histogram(out, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", label,
                metrics.endToEnd.snapshot());
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        out.append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
    }

    private static void counter(StringBuilder out, String base, String help, String labels, long value) {
        String name = base + "_total";
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append('{').append(labels).append("} ").append(number(value)).append('\n');
    }

    private static void histogram(StringBuilder out, String name, String help, String labels,
                                  ServingMetrics.Snapshot h) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        for (int i = 0; i < h.bounds().length; i++) {
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(number(h.bounds()[i]))
                    .append("\"} ").append(number(h.cumulative()[i])).append('\n');
        }
        out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ")
                .append(number(h.cumulative()[h.bounds().length])).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append(number(h.count())).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(number(h.sum())).append('\n');
    }

    /** As Python's prometheus_client prints: {@code 1.0}, {@code 0.25}, {@code 1e-05}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return Double.toString(v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
