package dev.quanta.worker.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's view of the KV cache (vLLM v1's KVCacheManager): which blocks each sequence holds, which of a new
 * sequence's prefix is already computed, room for new tokens or "doesn't fit", and freeing.
 *
 * <p>Invariants: a sequence's blocks cover its computed tokens plus those scheduled this step; its first
 * {@code numCachedBlocks} blocks are full and findable by hash; every block id appears in the pool exactly once.
 * Not thread-safe.
 */
public final class KvCacheManager {

    private final BlockPool pool;
    private final int blockSize;
    private final String modelId;
    private final Map<String, List<KvBlock>> blocksOf = new HashMap<>();
    private final Map<String, Integer> cachedBlocksOf = new HashMap<>();
    private final Map<String, List<BlockHash>> hashesOf = new HashMap<>();
    private long queriedTokens;
    private long hitTokens;

    /**
     * @param numBlocks blocks in the pool
     * @param blockSize tokens per block
     * @param modelId   identity of the weights (mixed into every prefix hash)
     * @param caching   automatic prefix caching on
     */
    public KvCacheManager(int numBlocks, int blockSize, String modelId, boolean caching) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be positive, got " + blockSize);
        }
        this.pool = new BlockPool(numBlocks, caching);
        this.blockSize = blockSize;
        this.modelId = modelId;
    }

    public BlockPool pool() {
        return pool;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Blocks needed for {@code tokens} tokens. */
    public int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Fraction of blocks in use by sequences. */
    public double usage() {
        return pool.usage();
    }

    /** Prompt tokens looked up in the prefix cache so far. */
    public long queriedTokens() {
        return queriedTokens;
    }

    /** Of those, tokens found. */
    public long hitTokens() {
        return hitTokens;
    }

    /**
     * The longest run of cached full blocks at the start of {@code r}'s tokens. At least the last token is always
     * left to compute (its logits are needed): when the run covers every token (a length that is a multiple of the
     * block size, all of it cached), the last block is still a hit and only its last token is computed again, its
     * K/V not stored (the block is shared; {@link ComputedBlocks#heldTokens()}). vLLM leaves the whole last block to
     * compute then, 16 tokens where one will do. Does not take references (pass the result to {@link #allocate}) nor
     * count statistics (the scheduler calls {@link #recordLookup} once the sequence is admitted, so a retried
     * admission counts once).
     */
    public ComputedBlocks computedBlocks(KvRequest r) {
        if (blocksOf.containsKey(r.kvId())) {
            throw new IllegalStateException(r.kvId() + " already holds blocks");
        }
        if (!pool.cachingEnabled()) {
            return ComputedBlocks.NONE;
        }
        List<BlockHash> hashes = hashes(r);
        int maxBlocks = r.numTokens() / blockSize;
        List<KvBlock> hit = new ArrayList<>();
        for (int i = 0; i < maxBlocks && i < hashes.size(); i++) {
            KvBlock b = pool.cachedBlock(hashes.get(i));
            if (b == null) {
                break;
            }
            hit.add(b);
        }
        int held = hit.size() * blockSize;
        return new ComputedBlocks(hit, Math.min(held, r.numTokens() - 1), held);
    }

    /** Counts one admitted sequence's prefix lookup: {@code queried} tokens looked up, {@code hit} found. */
    public void recordLookup(int queried, int hit) {
        queriedTokens += queried;
        hitTokens += hit;
    }

    /**
     * Gives {@code r} blocks for {@code numNewTokens} more tokens after its {@code numComputedTokens} computed ones
     * (plus, for a sequence starting now, the prefix hit {@code computed}, whose tokens are part of
     * {@code numComputedTokens}).
     *
     * @return the sequence's whole block list, or null when it does not fit (nothing changed then)
     */
    public List<KvBlock> allocate(KvRequest r, int numComputedTokens, int numNewTokens, ComputedBlocks computed) {
        List<KvBlock> held = blocksOf.get(r.kvId());
        int heldCount = held == null ? 0 : held.size();
        List<KvBlock> hit = computed == null ? List.of() : computed.blocks();
        if (held != null && !hit.isEmpty()) {
            throw new IllegalStateException(r.kvId() + " already holds blocks; a prefix hit applies only at the start");
        }
        int needed = blocksFor(numComputedTokens + numNewTokens) - heldCount - hit.size();
        int evictableHits = 0; // hit blocks now free: touching them takes them from the free queue
        for (KvBlock b : hit) {
            if (b.refCount == 0) {
                evictableHits++;
            }
        }
        if (Math.max(needed, 0) > pool.numFree() - evictableHits) {
            return null;
        }
        if (held == null) {
            held = new ArrayList<>();
            blocksOf.put(r.kvId(), held);
            cachedBlocksOf.put(r.kvId(), hit.size());
        }
        pool.touch(hit);
        held.addAll(hit);
        if (needed > 0) {
            held.addAll(pool.allocate(needed));
        }
        return Collections.unmodifiableList(held);
    }

    /** Makes {@code r}'s full computed blocks findable by hash (after a step computed them). */
    public void cacheBlocks(KvRequest r, int numComputedTokens) {
        List<KvBlock> held = blocksOf.get(r.kvId());
        if (held == null || !pool.cachingEnabled()) {
            return;
        }
        int full = Math.min(numComputedTokens / blockSize, held.size());
        int done = cachedBlocksOf.get(r.kvId());
        if (full <= done) {
            return;
        }
        List<BlockHash> hashes = hashes(r);
        for (int i = done; i < full; i++) {
            pool.cache(held.get(i), hashes.get(i));
        }
        cachedBlocksOf.put(r.kvId(), full);
    }

    /**
     * A child sequence that continues from {@code parent}'s first {@code numComputedTokens} tokens (a request with
     * {@code n > 1}): it shares the parent's full blocks by reference, and gets a copy of a partly filled last block,
     * since the two will write different tokens into it.
     *
     * @return the copy to perform before the child's next step (null when no block was partly filled), wrapped;
     *         or null when no block is free for the copy (nothing changed then)
     */
    public Fork fork(String parentId, KvRequest child, int numComputedTokens) {
        List<KvBlock> parent = blocksOf.get(parentId);
        if (parent == null) {
            throw new IllegalStateException(parentId + " holds no blocks");
        }
        if (blocksOf.containsKey(child.kvId())) {
            throw new IllegalStateException(child.kvId() + " already holds blocks");
        }
        int full = numComputedTokens / blockSize;
        boolean partial = numComputedTokens % blockSize != 0;
        if (partial && pool.numFree() < 1) {
            return null;
        }
        List<KvBlock> shared = new ArrayList<>(parent.subList(0, full));
        pool.touch(shared);
        BlockCopy copy = null;
        if (partial) {
            KvBlock dst = pool.allocate(1).getFirst();
            copy = new BlockCopy(parent.get(full).id(), dst.id());
            shared.add(dst);
        }
        blocksOf.put(child.kvId(), shared);
        int parentCached = cachedBlocksOf.getOrDefault(parentId, 0);
        cachedBlocksOf.put(child.kvId(), Math.min(parentCached, full));
        return new Fork(copy);
    }

    /** The outcome of a successful {@link #fork}. */
    public record Fork(BlockCopy copy) {}

    /**
     * Releases {@code id}'s blocks, last block first, so under pressure a sequence's tail is evicted before the
     * prefix others are likelier to share. Full cached blocks stay findable until their space is needed.
     */
    public void free(String id) {
        List<KvBlock> held = blocksOf.remove(id);
        cachedBlocksOf.remove(id);
        hashesOf.remove(id);
        if (held != null) {
            List<KvBlock> reversed = new ArrayList<>(held);
            Collections.reverse(reversed);
            pool.release(reversed);
        }
    }

    /** {@code id}'s block ids in table order (empty when it holds none). */
    public int[] blockTable(String id) {
        List<KvBlock> held = blocksOf.get(id);
        if (held == null) {
            return new int[0];
        }
        int[] table = new int[held.size()];
        for (int i = 0; i < table.length; i++) {
            table[i] = held.get(i).id();
        }
        return table;
    }

    /** Blocks {@code id} holds. */
    public List<KvBlock> blocks(String id) {
        List<KvBlock> held = blocksOf.get(id);
        return held == null ? List.of() : Collections.unmodifiableList(held);
    }

    /** Sequences holding blocks. */
    public int numSequences() {
        return blocksOf.size();
    }

    /** Hashes of {@code r}'s full blocks, extended as its tokens grow (each block hashed once). */
    private List<BlockHash> hashes(KvRequest r) {
        List<BlockHash> hashes = hashesOf.computeIfAbsent(r.kvId(), k -> new ArrayList<>());
        int full = r.numTokens() / blockSize;
        int[] tokens = r.tokens();
        String extra = r.cacheSalt() == null ? modelId : modelId + "\u0000" + r.cacheSalt();
        for (int i = hashes.size(); i < full; i++) {
            BlockHash parent = i == 0 ? BlockHash.ROOT : hashes.get(i - 1);
            hashes.add(BlockHash.of(parent, tokens, i * blockSize, blockSize, extra));
        }
        return hashes;
    }
}
