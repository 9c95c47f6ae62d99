package dev.quanta.gguf;

import java.nio.charset.StandardCharsets;

/**
 * A STRING array as it lies in the file: one copy of the encoded bytes ({@code u64 length + UTF-8} per
 * element) and where each element starts. Copying the region once and decoding on demand keeps opening a
 * file with a 128k-token vocabulary and 280k merges to a few milliseconds; the strings are decoded once,
 * on first full access, and cached.
 */
final class PackedStrings {

    private final byte[] region;  // [u64 len][bytes] × size, as in the file
    private final int[] offsets;  // element i is region[offsets[i] + 8, offsets[i + 1]); size + 1 entries
    private final int size;
    private volatile String[] decoded;

    PackedStrings(byte[] region, int[] offsets, int size) {
        this.region = region;
        this.offsets = offsets;
        this.size = size;
    }

    int size() {
        return size;
    }

    /** Element {@code i}, decoded now (without decoding the others). */
    String get(int i) {
        String[] all = decoded;
        if (all != null) {
            return all[i];
        }
        int start = offsets[i] + 8;
        return new String(region, start, offsets[i + 1] - start, StandardCharsets.UTF_8);
    }

    /** All elements, decoded once and shared (callers must not modify the array). */
    String[] all() {
        String[] all = decoded;
        if (all == null) {
            all = new String[size];
            for (int i = 0; i < size; i++) {
                int start = offsets[i] + 8;
                all[i] = new String(region, start, offsets[i + 1] - start, StandardCharsets.UTF_8);
            }
            decoded = all; // benign race: every thread computes the same contents
        }
        return all;
    }

    /** The encoded bytes exactly as the writer must emit them. */
    byte[] region() {
        return region;
    }
}
