package dev.quanta.worker.kv;

import java.util.List;

/**
 * A prefix-cache hit: the cached blocks a sequence can start from, the positions whose K/V they hold
 * ({@code heldTokens = blocks.size() * blockSize}) and the tokens that count as computed ({@code numTokens}). The
 * two differ only when the blocks hold every one of the sequence's positions: its last token is then computed again
 * for its logits, so {@code numTokens = heldTokens - 1}.
 */
public record ComputedBlocks(List<KvBlock> blocks, int numTokens, int heldTokens) {

    public static final ComputedBlocks NONE = new ComputedBlocks(List.of(), 0, 0);

    public ComputedBlocks {
        blocks = List.copyOf(blocks);
        if (numTokens < 0 || numTokens > heldTokens || heldTokens - numTokens > 1) {
            throw new IllegalArgumentException("computed tokens " + numTokens + " vs held " + heldTokens);
        }
    }
}
