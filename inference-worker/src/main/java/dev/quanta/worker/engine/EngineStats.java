package dev.quanta.worker.engine;

/**
 * A consistent snapshot of the engine's state and counters, for Prometheus ({@code vllm:*} names) and the gateway.
 *
 * @param running              sequences being computed ({@code vllm:num_requests_running})
 * @param waiting              sequences queued or preempted ({@code vllm:num_requests_waiting})
 * @param kvUsage              fraction of KV blocks in use by sequences, 0..1 ({@code vllm:kv_cache_usage_perc})
 * @param blockSize            tokens per KV block
 * @param numBlocks            KV blocks in the pool ({@code num_gpu_blocks} in vLLM's cache_config_info)
 * @param kvBytesPerToken      bytes of K and V one token takes over all layers
 * @param prefixQueriedTokens  prompt tokens looked up in the prefix cache ({@code vllm:prefix_cache_queries_total})
 * @param prefixHitTokens      of those, tokens found ({@code vllm:prefix_cache_hits_total})
 * @param promptTokens         prompt tokens of admitted requests ({@code vllm:prompt_tokens_total})
 * @param generationTokens     tokens generated ({@code vllm:generation_tokens_total})
 * @param preemptions          sequences preempted ({@code vllm:num_preemptions_total})
 * @param requestsFinished     sequences finished, any reason
 */
public record EngineStats(int running, int waiting, double kvUsage, int blockSize, int numBlocks,
                          long kvBytesPerToken, long prefixQueriedTokens, long prefixHitTokens, long promptTokens,
                          long generationTokens, long preemptions, long requestsFinished) {}
