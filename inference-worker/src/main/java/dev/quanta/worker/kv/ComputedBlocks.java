package dev.quanta.worker.kv;

import java.util.List;

/**
 * A prefix-cache hit: the cached blocks a sequence can start from and the tokens they hold
 * ({@code blocks.size() * blockSize}).
 */
public record ComputedBlocks(List<KvBlock> blocks, int numTokens) {

    public static final ComputedBlocks NONE = new ComputedBlocks(List.of(), 0);

    public ComputedBlocks {
        blocks = List.copyOf(blocks);
    }
}
