package dev.quanta.worker.kv;

/** What the KV manager needs to know of a sequence: an id, its tokens so far and its cache salt. */
public interface KvRequest {

    /** Unique among live sequences. */
    String kvId();

    /** Tokens known (prompt + generated). */
    int numTokens();

    /** The token ids; only the first {@link #numTokens()} are meaningful. Not modified by the manager. */
    int[] tokens();

    /** Per-request salt for the prefix hashes, or null. */
    String cacheSalt();
}
