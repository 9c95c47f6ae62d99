package dev.quanta.worker.generate;

import dev.quanta.worker.sampling.TokenLogProb;
import java.util.List;

/**
 * The outcome of one generation.
 *
 * @param promptTokens  the prompt as fed (with BOS when added)
 * @param tokens        generated token ids, in order
 * @param topLogprobs   per generated position, the most likely tokens (empty arrays when not asked)
 * @param stopReason    why it ended
 * @param promptNanos   time spent on the prompt (prefill)
 * @param generateNanos time spent generating after the first token
 */
public record GenerationResult(
        int[] promptTokens,
        int[] tokens,
        List<TokenLogProb[]> topLogprobs,
        StopReason stopReason,
        long promptNanos,
        long generateNanos) {}
