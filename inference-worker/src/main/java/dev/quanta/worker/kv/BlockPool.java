package dev.quanta.worker.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every KV block with its reference count, the LRU queue of unreferenced ones, and the prefix cache
 * (content hash → block). A block is in exactly one of: referenced by sequences (refCount > 0), or free
 * (refCount == 0, queued); a free block may still hold cached content, reusable until it is taken for new data.
 */
public final class BlockPool {

    private final KvBlock[] blocks;
    private final FreeBlockQueue free = new FreeBlockQueue();
    private final Map<BlockHash, KvBlock> cached = new HashMap<>();
    private final boolean caching;
    private long evictions;

    /** @param caching keep full blocks' content findable by hash (automatic prefix caching) */
    public BlockPool(int numBlocks, boolean caching) {
        if (numBlocks < 1) {
            throw new IllegalArgumentException("the KV pool needs at least one block, got " + numBlocks);
        }
        this.caching = caching;
        this.blocks = new KvBlock[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            blocks[i] = new KvBlock(i);
            free.append(blocks[i]);
        }
    }

    public int numBlocks() {
        return blocks.length;
    }

    public int numFree() {
        return free.size();
    }

    /** Fraction of blocks referenced by sequences (cached-but-free blocks count as free). */
    public double usage() {
        return 1.0 - (double) free.size() / blocks.length;
    }

    public KvBlock block(int id) {
        return blocks[id];
    }

    public boolean cachingEnabled() {
        return caching;
    }

    /** Cached blocks evicted to make room so far. */
    public long evictions() {
        return evictions;
    }

    /** The block holding {@code hash}'s content, or null. */
    public KvBlock cachedBlock(BlockHash hash) {
        return caching ? cached.get(hash) : null;
    }

    /** Takes {@code n} blocks from the head of the free queue (evicting their cached content), each with refCount 1. */
    public List<KvBlock> allocate(int n) {
        if (n > free.size()) {
            throw new IllegalStateException("asked for " + n + " blocks, " + free.size() + " free");
        }
        List<KvBlock> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KvBlock b = free.popFirst();
            if (b.hash != null) {
                if (cached.get(b.hash) == b) {
                    cached.remove(b.hash);
                }
                b.hash = null;
                evictions++;
            }
            b.refCount = 1;
            out.add(b);
        }
        return out;
    }

    /** One more reference to each block (a prefix hit or a fork); free ones leave the free queue. */
    public void touch(List<KvBlock> shared) {
        for (KvBlock b : shared) {
            if (b.refCount == 0) {
                free.remove(b);
            }
            b.refCount++;
        }
    }

    /**
     * Drops one reference from each block, in the given order; blocks reaching zero go to the tail of the free queue
     * in that order, so pass the blocks to evict first first (a sequence's tail before its head).
     */
    public void release(List<KvBlock> ordered) {
        for (KvBlock b : ordered) {
            if (b.refCount <= 0) {
                throw new IllegalStateException(b + " released more often than referenced");
            }
            if (--b.refCount == 0) {
                free.append(b);
            }
        }
    }

    /** Records that {@code b} (full, referenced) holds {@code hash}'s content. The first block with a hash keeps it. */
    public void cache(KvBlock b, BlockHash hash) {
        if (!caching || b.hash != null) {
            return;
        }
        b.hash = hash;
        cached.putIfAbsent(hash, b);
    }

    /** Free-queue order, head (next evicted) first, for tests and diagnostics. */
    public List<Integer> freeQueueIds() {
        return free.ids();
    }

    /** Blocks whose content is findable by hash. */
    public int numCached() {
        return cached.size();
    }
}
