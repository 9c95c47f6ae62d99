package dev.quanta.worker.sampling;

import java.util.Map;
import java.util.Objects;

/**
 * How to choose the next token from logits.
 *
 * @param temperature       0 for greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK              keep only the k most likely tokens; 0 = off
 * @param topP              keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP              drop tokens whose probability is below minP times the top token's; 0 = off
 * @param seed              seed of the random stream (same seed, same logits, same choices)
 * @param repetitionPenalty divides positive (multiplies negative) logits of tokens seen in the prompt or output;
 *                          1 = off (vLLM / HF semantics)
 * @param presencePenalty   subtracted once from the logit of every token already generated; 0 = off (OpenAI)
 * @param frequencyPenalty  subtracted per occurrence from the logit of generated tokens; 0 = off (OpenAI)
 * @param logitBias         added to the logits of the given token ids before anything else (OpenAI, -100..100)
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, long seed,
                             float repetitionPenalty, float presencePenalty, float frequencyPenalty,
                             Map<Integer, Float> logitBias) {

    public SamplingParams {
        if (!(temperature >= 0) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0) || !Float.isFinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be > 0, got " + repetitionPenalty);
        }
        if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
            throw new IllegalArgumentException("presence_penalty must be in [-2, 2], got " + presencePenalty);
        }
        if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
            throw new IllegalArgumentException("frequency_penalty must be in [-2, 2], got " + frequencyPenalty);
        }
        Objects.requireNonNull(logitBias, "logitBias");
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            if (e.getKey() == null || e.getValue() == null || !(e.getValue() >= -100 && e.getValue() <= 100)) {
                throw new IllegalArgumentException("logit_bias values must be in [-100, 100], got " + e.getValue()
                        + " for token " + e.getKey());
            }
        }
        logitBias = Map.copyOf(logitBias);
    }

    /** Without penalties or biases. */
    public SamplingParams(float temperature, int topK, float topP, float minP, long seed) {
        this(temperature, topK, topP, minP, seed, 1f, 0f, 0f, Map.of());
    }

    /** Always the most likely token. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 0L);
    }

    /** Plain temperature sampling with the given seed. */
    public static SamplingParams temperature(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, 0f, seed);
    }

    /** The same parameters with another seed (child {@code i} of a request with {@code n > 1}). */
    public SamplingParams withSeed(long newSeed) {
        return new SamplingParams(temperature, topK, topP, minP, newSeed, repetitionPenalty, presencePenalty,
                frequencyPenalty, logitBias);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** Whether any penalty or bias changes the logits before selection. */
    public boolean transformsLogits() {
        return repetitionPenalty != 1f || presencePenalty != 0f || frequencyPenalty != 0f || !logitBias.isEmpty();
    }
}
