/**
 * The paged KV cache's bookkeeping, in vLLM v1's shape and with no model: a {@link dev.quanta.worker.kv.BlockPool}
 * of fixed-size blocks with reference counts and an LRU {@link dev.quanta.worker.kv.FreeBlockQueue} (O(1) removal),
 * chained {@link dev.quanta.worker.kv.BlockHash} prefix hashes of full blocks, and the
 * {@link dev.quanta.worker.kv.KvCacheManager} facade the scheduler talks to ({@code computedBlocks},
 * {@code allocate} → blocks or "doesn't fit", {@code free}, {@code fork}).
 *
 * <p>Only ids move here; the bytes live in {@code model.KvCache}, indexed by the block ids of each sequence's table.
 * Not thread-safe: the engine's step thread owns it.
 */
package dev.quanta.worker.kv;
