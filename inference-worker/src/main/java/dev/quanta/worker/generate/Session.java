package dev.quanta.worker.generate;

import dev.quanta.worker.model.KvCache;
import java.util.Arrays;

/**
 * One sequence's place in the KV cache for the command line: it owns blocks {@code 0 .. n-1} of a cache
 * reserved for it alone (the trivial allocator; the serving engine uses a block manager instead) and
 * remembers how many positions are filled, so a chat can continue where the last turn stopped.
 */
public final class Session {

    private final int[] blockTable; // [numBlocks] block ids 0, 1, 2, ...
    private final int capacity;     // positions the blocks hold
    private int length;             // positions already in the cache

    public Session(KvCache cache) {
        this(cache, cache.numBlocks() * cache.blockSize());
    }

    /** A session limited to {@code capacity} positions (the context size asked for), at most what the cache holds. */
    public Session(KvCache cache, int capacity) {
        if (capacity <= 0 || capacity > cache.numBlocks() * cache.blockSize()) {
            throw new IllegalArgumentException("session capacity " + capacity + " does not fit the cache of "
                    + cache.numBlocks() * cache.blockSize() + " positions");
        }
        this.blockTable = new int[cache.numBlocks()];
        Arrays.setAll(blockTable, i -> i);
        this.capacity = capacity;
        this.length = 0;
    }

    /** The sequence's block table, shared with batches (not copied). */
    int[] blockTable() {
        return blockTable;
    }

    /** Positions the session can hold (the context size). */
    public int capacity() {
        return capacity;
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    void advance(int tokens) {
        length += tokens;
    }

    /** Keeps only the first {@code length} positions (a chat turn that shares a prefix with the previous one). */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("cannot truncate a session of " + this.length + " to " + length);
        }
        this.length = length;
    }

    /** Forgets everything (a new conversation); the cache contents are simply overwritten later. */
    public void reset() {
        length = 0;
    }
}
