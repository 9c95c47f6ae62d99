package dev.quanta.kernels;

/**
 * {@link NativeKernelOps}' paged attention on the C library ({@code llmk_attention}), its (query, KV head) items split
 * over the kernels' pool. Arguments arrive validated (every block id the kernel will follow checked), as raw
 * addresses (pool threads receive addresses, as the matmul's do). Not thread-safe: the owning
 * {@link NativeKernelOps}' caller only.
 */
final class NativeAttention {

    private final WorkerPool pool;
    private final ChunkedRange chunks; // shared with the owner's other parallel steps
    private final int level;

    // The current call, written by the caller before the pool runs it.
    private long out; // address
    private long q; // address
    private long k; // address
    private long v; // address
    private long tables; // address
    private long lens; // address
    private long seqIndex; // address
    private int queries;
    private int heads;
    private int kvHeads;
    private int headDim;
    private int kvType;
    private int blockSize;
    private int maxBlocks;
    private float scale;
    private final ChunkedRange.Range range = this::range;

    NativeAttention(WorkerPool pool, ChunkedRange chunks, int level) {
        this.pool = pool;
        this.chunks = chunks;
        this.level = level;
    }

    /** The arguments of {@link KernelOps#attention}, as addresses and the library's type id of the cache. */
    void run(long out, long q, int numQueries, int numHeads, int numKvHeads, int headDim, long keyCache,
            long valueCache, int kvType, int blockSize, long blockTables, int maxBlocksPerSeq, long seqIndex,
            long seqLens, float scale) {
        this.out = out;
        this.q = q;
        this.k = keyCache;
        this.v = valueCache;
        this.tables = blockTables;
        this.lens = seqLens;
        this.seqIndex = seqIndex;
        this.queries = numQueries;
        this.heads = numHeads;
        this.kvHeads = numKvHeads;
        this.headDim = headDim;
        this.kvType = kvType;
        this.blockSize = blockSize;
        this.maxBlocks = maxBlocksPerSeq;
        this.scale = scale;
        int items = numQueries * numKvHeads; // a query's heads sharing one KV head: its rows are read once for all
        if (pool.size() == 1 || items < 2) {
            range(0, items);
        } else {
            chunks.run(pool, items, items / (pool.size() * 4), range);
        }
    }

    private void range(long i0, long i1) {
        int rc;
        try {
            rc = (int) NativeLibrary.ATTENTION.invokeExact(level, out, q, queries, heads, kvHeads, headDim, k, v,
                    kvType, blockSize, tables, maxBlocks, seqIndex, lens, scale, i0, i1);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_attention failed", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("llmk_attention rejected its arguments");
        }
    }
}
