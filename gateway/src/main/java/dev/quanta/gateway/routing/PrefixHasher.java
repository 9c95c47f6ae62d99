package dev.quanta.gateway.routing;

/**
 * Chained hashes of fixed-size character chunks of a prompt, as the Gateway API Inference Extension's prefix
 * plugin computes them (no tokenizer needed): block {@code i}'s hash covers the model name and every character
 * of blocks {@code 0..i}, so two prompts share hash {@code i} exactly when they share their first
 * {@code (i + 1) * blockSize} characters (up to 64-bit collisions). A trailing partial chunk is not hashed.
 */
public final class PrefixHasher {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final int blockSize;
    private final int maxBlocks;

    /**
     * @param blockSize characters per chunk (the extension's default: 64)
     * @param maxBlocks most chunks hashed; prompt text beyond is ignored (default 256)
     */
    public PrefixHasher(int blockSize, int maxBlocks) {
        if (blockSize < 1 || maxBlocks < 1) {
            throw new IllegalArgumentException("blockSize and maxBlocks must be positive");
        }
        this.blockSize = blockSize;
        this.maxBlocks = maxBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Hashes of the full chunks of {@code prompt} for {@code model}: {@code [min(len / blockSize, maxBlocks)]}. */
    public long[] hashes(String model, CharSequence prompt) {
        int blocks = Math.min(prompt.length() / blockSize, maxBlocks);
        long[] out = new long[blocks];
        long parent = mix(fnv(FNV_OFFSET, model, 0, model.length()));
        for (int b = 0; b < blocks; b++) {
            long h = fnv(FNV_OFFSET ^ parent, prompt, b * blockSize, (b + 1) * blockSize);
            parent = mix(h);
            out[b] = parent;
        }
        return out;
    }

    private static long fnv(long seed, CharSequence s, int from, int to) {
        long h = seed;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * FNV_PRIME;
            h = (h ^ (c >>> 8)) * FNV_PRIME;
        }
        return h;
    }

    /** SplitMix64's finaliser, so the chained value is well spread before it seeds the next chunk. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
