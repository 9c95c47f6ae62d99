package dev.quanta.worker.engine;

import java.util.List;
import java.util.Objects;

/**
 * When a sequence ends (the first that holds wins).
 *
 * @param maxTokens    most tokens to generate; the engine also stops at the end of the context
 * @param minTokens    end-of-generation tokens and stop strings are ignored before this many tokens
 * @param stop         stop strings: generation ends when the text contains one; the string itself is not
 *                     returned (OpenAI), and text that might start one is held back until it can be decided
 * @param stopTokenIds extra token ids that end generation (returned like an end-of-generation token: not as text)
 * @param ignoreEos    keep generating after the model's end-of-generation tokens (benchmarks)
 */
public record StopConditions(int maxTokens, int minTokens, List<String> stop, List<Integer> stopTokenIds,
                             boolean ignoreEos) {

    public StopConditions {
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(stopTokenIds, "stopTokenIds");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        if (minTokens < 0 || minTokens > maxTokens) {
            throw new IllegalArgumentException("min_tokens must be between 0 and max_tokens, got " + minTokens);
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        stop = List.copyOf(stop);
        stopTokenIds = List.copyOf(stopTokenIds);
    }

    public static StopConditions maxTokens(int maxTokens) {
        return new StopConditions(maxTokens, 0, List.of(), List.of(), false);
    }
}
