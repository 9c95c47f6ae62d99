package dev.quanta.worker.sampling;

import java.util.Arrays;

/**
 * Occurrences of token ids in one sequence, with the distinct ids in first-seen order so the penalties touch
 * only tokens that occurred (not the whole vocabulary) each step.
 */
final class TokenCounts {

    private int[] counts = new int[64]; // [max id + 1] occurrences per id
    private int[] ids = new int[16];    // [distinct] ids seen, first-seen order
    private int distinct;

    void add(int id) {
        if (id >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(id + 1, counts.length * 2));
        }
        if (counts[id]++ == 0) {
            if (distinct == ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            ids[distinct++] = id;
        }
    }

    int distinct() {
        return distinct;
    }

    /** The {@code i}-th distinct id. */
    int id(int i) {
        return ids[i];
    }

    int count(int id) {
        return id < counts.length ? counts[id] : 0;
    }
}
