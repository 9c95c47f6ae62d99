package dev.quanta.worker.scheduler;

/**
 * Tokens {@code [start, start + numTokens)} of {@code seq} to compute this step, with the sequence's block table
 * (built once per step). {@code wantsLogits(i)} tells which of them need logits.
 */
public record ScheduledChunk(Sequence seq, int start, int numTokens, int[] blockTable) {

    /** Whether the chunk's last token is the sequence's last known one: the engine samples after it. */
    public boolean completes() {
        return start + numTokens == seq.numTokens();
    }

    /** Whether token {@code start + i} needs logits. */
    public boolean wantsLogits(int i) {
        int pos = start + i;
        return pos == seq.numTokens() - 1 || (seq.wantsPromptLogits() && pos < seq.numPromptTokens());
    }

    /** Logit rows this chunk takes. */
    public int logitRows() {
        int rows = 0;
        for (int i = 0; i < numTokens; i++) {
            if (wantsLogits(i)) {
                rows++;
            }
        }
        return rows;
    }
}
