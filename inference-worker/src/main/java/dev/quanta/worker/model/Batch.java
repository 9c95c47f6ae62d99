package dev.quanta.worker.model;

import java.util.Arrays;

/**
 * Tokens for one forward pass, possibly from several sequences (prompt chunks and single decode tokens mixed).
 * Each token carries its position and its sequence's block table; the pass writes the token's K/V at that position
 * and attends to positions {@code 0..position} of the same table (causal). Tokens of one sequence must appear in
 * increasing position order; all earlier positions must already be in the cache or earlier in this batch.
 *
 * <p>Reusable: {@link #clear()} and refill; arrays are sized once for {@link #capacity()} tokens.
 */
public final class Batch {

    private final int capacity;
    private int size;
    private final int[] tokens;        // [capacity] token ids
    private final int[] positions;     // [capacity] position in its sequence
    private final int[][] blockTables; // [capacity] the sequence's block table (shared array, not copied)
    private final boolean[] logits;    // [capacity] whether this token's logits are wanted
    private int numLogits;

    public Batch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.blockTables = new int[capacity][];
        this.logits = new boolean[capacity];
    }

    /**
     * Appends a token.
     *
     * @param blockTable the sequence's blocks; must cover {@code position}
     * @param wantLogits whether the pass should return logits for this token (usually a sequence's last token)
     */
    public Batch add(int token, int position, int[] blockTable, boolean wantLogits) {
        if (size == capacity) {
            throw new IllegalStateException("batch is full (" + capacity + " tokens)");
        }
        tokens[size] = token;
        positions[size] = position;
        blockTables[size] = blockTable;
        logits[size] = wantLogits;
        if (wantLogits) {
            numLogits++;
        }
        size++;
        return this;
    }

    public void clear() {
        size = 0;
        numLogits = 0;
        Arrays.fill(blockTables, null);
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

    public int[] blockTable(int i) {
        return blockTables[i];
    }

    public boolean wantsLogits(int i) {
        return logits[i];
    }

    /** How many tokens want logits; the pass returns that many rows, in batch order. */
    public int numLogits() {
        return numLogits;
    }
}
