package dev.quanta.worker.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of candidate merges as primitive longs (no object per candidate): the key orders the
 * candidates, the value carries what the tokenizer needs to apply or reject one. Long texts queue hundreds of
 * thousands of candidates, where an object heap spent most of its time chasing pointers.
 */
final class MergeQueue {

    private long[] keys;
    private long[] values;
    private int size;

    MergeQueue(int capacity) {
        keys = new long[Math.max(16, capacity)];
        values = new long[keys.length];
    }

    /** Key that pops the highest {@code score} first and, on ties, the lowest {@code left}. */
    static long byScoreDescending(float score, int left) {
        int bits = Float.floatToIntBits(score);
        int sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF; // int order == float order
        long descending = -(long) sortable;
        return (descending << 32) | (left & 0xFFFFFFFFL);
    }

    /** Key that pops the lowest {@code rank} first and, on ties, the lowest {@code left}. */
    static long byRankAscending(int rank, int left) {
        return ((long) rank << 32) | (left & 0xFFFFFFFFL);
    }

    static int left(long key) {
        return (int) key;
    }

    static long pack(int high, int low) {
        return ((long) high << 32) | (low & 0xFFFFFFFFL);
    }

    static int high(long value) {
        return (int) (value >>> 32);
    }

    static int low(long value) {
        return (int) value;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void push(long key, long value) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            keys[i] = keys[parent];
            values[i] = values[parent];
            i = parent;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** The smallest key (the queue must not be empty); {@link #topValue()} gives its value until the next pop. */
    long topKey() {
        return keys[0];
    }

    long topValue() {
        return values[0];
    }

    void pop() {
        long key = keys[--size];
        long value = values[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            keys[i] = keys[child];
            values[i] = values[child];
            i = child;
        }
        keys[i] = key;
        values[i] = value;
    }
}
