package dev.quanta.worker.scheduler;

import dev.quanta.worker.kv.KvRequest;
import java.util.Arrays;

/**
 * One sequence's progress: tokens known (prompt, then generated), tokens whose K/V are computed, and its place in
 * the queues. There is no prefill or decode phase: a step computes some of the known-but-not-computed tokens, and
 * when none are left the engine samples the next one.
 */
public final class Sequence implements KvRequest {

    /** Where a sequence is. */
    public enum Status { WAITING, RUNNING, PREEMPTED, FINISHED }

    private final String id;
    private final String cacheSalt;
    private final int numPromptTokens;
    private boolean promptLogits;  // every prompt token needs logits, until the engine has them all
    private final Object owner;
    private int[] tokens;          // [capacity] prompt, then generated ids
    private int numTokens;         // tokens known
    private int numComputed;       // tokens whose K/V are in the cache
    private int kvHeld;            // positions whose K/V the blocks held when admitted (a prefix hit), maybe > numComputed
    private int numCachedPrompt = -1; // prompt tokens found in the prefix cache at first admission; -1 before it
    private Status status = Status.WAITING;

    /**
     * @param id           unique among live sequences
     * @param prompt       the prompt (copied)
     * @param cacheSalt    prefix-hash salt or null
     * @param promptLogits every prompt token needs logits (prompt log-probabilities), not only the last
     * @param owner        the engine's state for this sequence (opaque here)
     */
    public Sequence(String id, int[] prompt, String cacheSalt, boolean promptLogits, Object owner) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("empty prompt");
        }
        this.id = id;
        this.cacheSalt = cacheSalt;
        this.numPromptTokens = prompt.length;
        this.promptLogits = promptLogits;
        this.owner = owner;
        this.tokens = Arrays.copyOf(prompt, Math.max(16, prompt.length * 2));
        this.numTokens = prompt.length;
    }

    @Override
    public String kvId() {
        return id;
    }

    public String id() {
        return id;
    }

    @Override
    public int numTokens() {
        return numTokens;
    }

    @Override
    public int[] tokens() {
        return tokens;
    }

    @Override
    public String cacheSalt() {
        return cacheSalt;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int numPromptTokens() {
        return numPromptTokens;
    }

    public int numGenerated() {
        return numTokens - numPromptTokens;
    }

    public int numComputed() {
        return numComputed;
    }

    /**
     * Positions {@code 0 .. kvHeldTokens() - 1} had their K/V in the sequence's blocks when it was admitted: a
     * prefix-cache hit's blocks. Usually that is {@link #numComputed()} at admission; when the hit covers every
     * position, the last one is computed again for its logits, and its K/V must not be stored again (its block is
     * shared and cached).
     */
    public int kvHeldTokens() {
        return kvHeld;
    }

    /** Prompt tokens served from the prefix cache when first admitted (0 before admission). */
    public int numCachedPromptTokens() {
        return Math.max(numCachedPrompt, 0);
    }

    /**
     * Whether every prompt token needs logits (prompt log-probabilities) until the engine has collected them all;
     * such a sequence does not start from the prefix cache (cached tokens are not recomputed, so give no logits).
     */
    public boolean wantsPromptLogits() {
        return promptLogits;
    }

    /** The engine has every prompt token's logits: later (re)computation needs only the last token's. */
    public void promptLogitsDone() {
        promptLogits = false;
    }

    public Status status() {
        return status;
    }

    @SuppressWarnings("unchecked")
    public <T> T owner() {
        return (T) owner;
    }

    /** Appends a sampled token. */
    public void append(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[numTokens++] = token;
    }

    /** After a step computed {@code n} more tokens. */
    public void advance(int n) {
        if (n < 0 || numComputed + n > numTokens) {
            throw new IllegalStateException(id + ": cannot compute " + n + " more of " + (numTokens - numComputed));
        }
        numComputed += n;
    }

    void admitted(int cachedTokens, int heldTokens) {
        numComputed = cachedTokens;
        kvHeld = heldTokens;
        if (numCachedPrompt < 0) {
            numCachedPrompt = Math.min(cachedTokens, numPromptTokens);
        }
        status = Status.RUNNING;
    }

    /** A fork of {@code parent}: the same tokens, computed as far as the parent's. */
    void forkedFrom(Sequence parent) {
        if (parent.numTokens != numTokens) {
            throw new IllegalStateException(id + " and its parent " + parent.id + " differ in length");
        }
        numComputed = parent.numComputed;
        kvHeld = parent.kvHeld;
        numCachedPrompt = parent.numCachedPrompt;
        status = Status.RUNNING;
    }

    void preempted() {
        numComputed = 0;
        kvHeld = 0;
        status = Status.PREEMPTED;
    }

    void finished() {
        status = Status.FINISHED;
    }

    @Override
    public String toString() {
        return id + " [" + status + ", " + numComputed + "/" + numTokens + " computed]";
    }
}
