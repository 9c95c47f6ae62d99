package dev.quanta.worker.model;

import java.util.Arrays;

/**
 * Tokens for one forward pass, possibly from several sequences (prompt chunks and single decode tokens mixed).
 * Each token carries its position and its sequence's index in the batch; each sequence its block table, once. The
 * pass writes a token's K/V at its position and attends to positions {@code 0..position} of its sequence's table
 * (causal); a token added with {@code storeKv} false finds its K/V in the cache already (a prefix-cache hit's last
 * position, recomputed only for its logits) and the pass does not write them again. Tokens of one sequence must
 * appear in increasing position order; all earlier positions must already be in the cache or earlier in this batch. A token joins the sequence of the token before it when both name the
 * same table array (a sequence's tokens are added one after another); otherwise it starts a new one.
 *
 * <p>Reusable: {@link #clear()} and refill; arrays are sized once for {@link #capacity()} tokens.
 */
public final class Batch {

    private final int capacity;
    private int size;
    private final int[] tokens;        // [capacity] token ids
    private final int[] positions;     // [capacity] position in its sequence
    private final int[] seqIndex;      // [capacity] the token's sequence, 0 .. numSeqs - 1
    private final int[][] blockTables; // [capacity, numSeqs used] each sequence's block table (shared, not copied)
    private final boolean[] logits;    // [capacity] whether this token's logits are wanted
    private final boolean[] storeKv;   // [capacity] whether the pass writes this token's K/V into the cache
    private int numLogits;
    private int numSeqs;

    public Batch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.seqIndex = new int[capacity];
        this.blockTables = new int[capacity][];
        this.logits = new boolean[capacity];
        this.storeKv = new boolean[capacity];
    }

    /**
     * Appends a token.
     *
     * @param blockTable the sequence's blocks; must cover {@code position}
     * @param wantLogits whether the pass should return logits for this token (usually a sequence's last token)
     */
    public Batch add(int token, int position, int[] blockTable, boolean wantLogits) {
        return add(token, position, blockTable, wantLogits, true);
    }

    /**
     * Appends a token.
     *
     * @param blockTable the sequence's blocks; must cover {@code position}
     * @param wantLogits whether the pass should return logits for this token (usually a sequence's last token)
     * @param storeKv    false when the cache already holds this position's K/V (a shared prefix-cache block, which
     *                   must not be written while other sequences may read it): the pass leaves them as they are
     *                   and the token attends to the cached ones, the same bits it would compute (batch invariance)
     */
    public Batch add(int token, int position, int[] blockTable, boolean wantLogits, boolean storeKv) {
        if (size == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " tokens)");
        }
        if (numSeqs == 0 || blockTables[numSeqs - 1] != blockTable) {
            blockTables[numSeqs++] = blockTable;
        }
        tokens[size] = token;
        positions[size] = position;
        seqIndex[size] = numSeqs - 1;
        logits[size] = wantLogits;
        this.storeKv[size] = storeKv;
        if (wantLogits) {
            numLogits++;
        }
        size++;
        return this;
    }

    public void clear() {
        size = 0;
        numLogits = 0;
        Arrays.fill(blockTables, 0, numSeqs, null);
        numSeqs = 0;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public int token(int i) {
        return tokens[i];
    }

    public int position(int i) {
        return positions[i];
    }

    /** Token i's sequence, {@code 0 .. numSeqs() - 1}. */
    public int seqIndex(int i) {
        return seqIndex[i];
    }

    /** Sequences in the batch. */
    public int numSeqs() {
        return numSeqs;
    }

    /** Sequence s's block table. */
    public int[] seqBlockTable(int s) {
        return blockTables[s];
    }

    /** Token i's block table (its sequence's). */
    public int[] blockTable(int i) {
        return blockTables[seqIndex[i]];
    }

    public boolean wantsLogits(int i) {
        return logits[i];
    }

    /** Whether the pass writes token i's K/V into the cache (false: the cache holds them already). */
    public boolean storesKv(int i) {
        return storeKv[i];
    }

    /** How many tokens want logits; the pass returns that many rows, in batch order. */
    public int numLogits() {
        return numLogits;
    }
}
