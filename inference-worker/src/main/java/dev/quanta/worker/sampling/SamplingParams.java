package dev.quanta.worker.sampling;

/**
 * How to choose the next token from logits.
 *
 * @param temperature 0 for greedy (argmax); otherwise logits are divided by it before sampling
 * @param topK        keep only the k most likely tokens; 0 = off
 * @param topP        keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP        drop tokens whose probability is below minP times the top token's; 0 = off
 * @param seed        seed of the random stream (same seed, same logits, same choices)
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, long seed) {

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
    }

    /** Always the most likely token. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 0L);
    }

    /** Plain temperature sampling with the given seed. */
    public static SamplingParams temperature(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, 0f, seed);
    }

    public boolean isGreedy() {
        return temperature == 0f;
    }
}
