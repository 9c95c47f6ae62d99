package dev.quanta.worker.kv;

/**
 * One block of the pool: {@code blockSize} token slots of K and V in every layer, identified by {@link #id()}
 * (its index in {@code model.KvCache}). Mutable state is the pool's: reference count, the hash of its content once
 * full and cached, and its links in the free queue.
 */
public final class KvBlock {

    private final int id;
    int refCount;      // sequences whose table holds this block
    BlockHash hash;    // content identity once full and cached; null otherwise
    KvBlock prev;      // free-queue links (null when not queued, or at an end)
    KvBlock next;
    boolean queued;    // in the free queue

    KvBlock(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public int refCount() {
        return refCount;
    }

    /** The cached content hash, or null. */
    public BlockHash hash() {
        return hash;
    }

    @Override
    public String toString() {
        return "block " + id + " (ref " + refCount + (hash != null ? ", cached" : "") + ")";
    }
}
