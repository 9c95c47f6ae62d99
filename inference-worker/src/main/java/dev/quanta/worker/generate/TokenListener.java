package dev.quanta.worker.generate;

import dev.quanta.worker.sampling.TokenLogProb;

/** Receives each generated token as soon as it is chosen. */
@FunctionalInterface
public interface TokenListener {

    /**
     * @param id          the chosen token
     * @param topLogprobs the most likely tokens at this position with their log-probabilities (empty when not asked)
     */
    void onToken(int id, TokenLogProb[] topLogprobs);

    TokenListener NONE = (id, top) -> {};
}
