package dev.quanta.gateway.routing;

/**
 * A worker's load as last scraped from its {@code /metrics} (vLLM's names).
 *
 * @param waiting     {@code vllm:num_requests_waiting}, requests queued (count)
 * @param running     {@code vllm:num_requests_running}, requests in the batch (count)
 * @param kvUsage     {@code vllm:kv_cache_usage_perc}, fraction of KV blocks in use, 0..1
 * @param prefixQueries {@code vllm:prefix_cache_queries_total}, tokens looked up in the prefix cache
 * @param prefixHits  {@code vllm:prefix_cache_hits_total}, tokens found there
 */
public record WorkerLoad(double waiting, double running, double kvUsage, double prefixQueries, double prefixHits) {

    /** What the gateway assumes before the first scrape: idle. */
    public static final WorkerLoad UNKNOWN = new WorkerLoad(0, 0, 0, 0, 0);

    /**
     * Queue depth for the queue scorer: waiting plus running requests. NOTE: the Gateway API Inference
     * Extension counts waiting requests only; on our CPU workers every running sequence shares the same cores
     * (and a worker admits up to 64 before any waits), so running requests slow a worker as queued ones do.
     */
    public double queueDepth() {
        return waiting + running;
    }
}
