package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.TokenLogProb;

/**
 * One generated token of one sequence, as the engine emits it.
 *
 * @param index       which of the request's {@code n} sequences (0-based)
 * @param tokenId     the sampled token
 * @param text        text newly completed by this token (may be empty: half a UTF-8 character, a control token,
 *                    or text held back because it may begin a stop string); held-back text is released by a later
 *                    token or dropped when a stop string matches
 * @param logprob     the token's log-probability (full softmax of the raw logits); NaN when not asked
 * @param topLogprobs the most likely tokens at this position; empty when not asked
 */
public record TokenOutput(int index, int tokenId, String text, float logprob, TokenLogProb[] topLogprobs) {}
