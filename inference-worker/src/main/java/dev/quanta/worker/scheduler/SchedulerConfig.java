package dev.quanta.worker.scheduler;

/**
 * Limits of one step.
 *
 * @param maxBatchedTokens tokens computed in one step (decode tokens first, then prompt chunks)
 * @param maxSeqs          sequences running at once
 * @param maxLogitRows     tokens wanting logits in one step (each row is a vocabulary of floats); a sequence
 *                         whose last token finds no row left computes it in a later step
 * @param maxWaiting       sequences queued (waiting or preempted) before new requests are refused
 */
public record SchedulerConfig(int maxBatchedTokens, int maxSeqs, int maxLogitRows, int maxWaiting) {

    public SchedulerConfig {
        if (maxBatchedTokens < 1 || maxSeqs < 1 || maxLogitRows < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("invalid scheduler limits: tokens " + maxBatchedTokens + ", seqs "
                    + maxSeqs + ", logit rows " + maxLogitRows + ", waiting " + maxWaiting);
        }
    }
}
