package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.SamplingParams;
import java.util.Objects;

/**
 * One generation request as the step loop sees it: already tokenized, already validated by the edge that built it
 * (the OpenAI API, the CLI, the batch runner). The engine never sees JSON.
 *
 * @param requestId       caller's id (the API's {@code X-Request-Id} / completion id); used in logs only
 * @param promptTokens    the prompt, BOS included when the model wants one; at least one token
 * @param sampling        how to pick tokens; child {@code i} of {@code n} draws from its own stream seeded from
 *                        {@code sampling.seed()} and {@code i}
 * @param stop            when each sequence ends
 * @param n               completions to generate from the one prompt (children share the prompt's KV blocks)
 * @param topLogprobs     top log-probabilities reported per generated position: -1 = no logprobs at all,
 *                        0 = only the chosen token's, k > 0 = the chosen token's and the k most likely
 * @param promptLogprobs  also report each prompt token's log-probability and top {@code max(topLogprobs, 0)}
 *                        (OpenAI {@code echo} with {@code logprobs}); the first prompt token has none
 * @param cacheSalt       mixed into the prefix hashes so requests with different salts never share cached blocks;
 *                        null = none
 */
public record EngineRequest(String requestId, int[] promptTokens, SamplingParams sampling, StopConditions stop,
                            int n, int topLogprobs, boolean promptLogprobs, String cacheSalt) {

    /** Largest {@code topLogprobs} accepted (as vLLM's default max_logprobs). */
    public static final int MAX_TOP_LOGPROBS = 20;

    public EngineRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(promptTokens, "promptTokens");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(stop, "stop");
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("logprobs must be between 0 and " + MAX_TOP_LOGPROBS + ", got "
                    + topLogprobs);
        }
        promptTokens = promptTokens.clone();
    }

    /** A greedy request for one completion with no log-probabilities. */
    public static EngineRequest greedy(String id, int[] prompt, int maxTokens) {
        return new EngineRequest(id, prompt, SamplingParams.greedy(), StopConditions.maxTokens(maxTokens), 1, -1,
                false, null);
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    /** The prompt without a defensive copy, for the engine's own read-only use. */
    int[] promptTokensRef() {
        return promptTokens;
    }

}
