package dev.quanta.gateway.routing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which workers recently served which prompt-prefix block hashes: a bounded LRU of hashes per worker (the
 * Gateway API Inference Extension's indexer, {@code lruCapacityPerServer}), plus the reverse map hash → workers.
 * A worker "holds" a prefix of {@code n} blocks when it holds each of the first {@code n} chained hashes.
 *
 * <p>Thread-safe; each call holds one lock for O(blocks) work.
 */
public final class PrefixIndex {

    private final int capacityPerWorker;
    private final Map<Long, Set<String>> workersByHash = new HashMap<>();
    private final Map<String, LinkedHashMap<Long, Boolean>> lruByWorker = new HashMap<>();

    /** @param capacityPerWorker block hashes remembered per worker (the extension's default: 31,250) */
    public PrefixIndex(int capacityPerWorker) {
        if (capacityPerWorker < 1) {
            throw new IllegalArgumentException("capacityPerWorker must be positive");
        }
        this.capacityPerWorker = capacityPerWorker;
    }

    /** For each worker holding at least the first block: how many leading blocks of {@code hashes} it holds. */
    public synchronized Map<String, Integer> longestPrefixMatch(long[] hashes) {
        Map<String, Integer> matched = new HashMap<>();
        if (hashes.length == 0) {
            return matched;
        }
        Set<String> alive = workersByHash.get(hashes[0]);
        if (alive == null) {
            return matched;
        }
        Set<String> current = new HashSet<>(alive);
        for (int i = 0; i < hashes.length && !current.isEmpty(); i++) {
            Set<String> holders = workersByHash.getOrDefault(hashes[i], Set.of());
            for (Iterator<String> it = current.iterator(); it.hasNext(); ) {
                String worker = it.next();
                if (holders.contains(worker)) {
                    matched.put(worker, i + 1);
                } else {
                    it.remove();
                }
            }
        }
        return matched;
    }

    /** Records that {@code workerId} now caches every block of {@code hashes} (most recent use). */
    public synchronized void record(String workerId, long[] hashes) {
        LinkedHashMap<Long, Boolean> lru = lruByWorker.computeIfAbsent(workerId, id -> new LinkedHashMap<>(64, 0.75f, true));
        for (long h : hashes) {
            if (lru.put(h, Boolean.TRUE) == null) {
                workersByHash.computeIfAbsent(h, k -> new HashSet<>(4)).add(workerId);
            }
            if (lru.size() > capacityPerWorker) {
                Iterator<Long> eldest = lru.keySet().iterator();
                long evicted = eldest.next();
                eldest.remove();
                forget(evicted, workerId);
            }
        }
    }

    /** Drops everything known about a worker (it left the pool). */
    public synchronized void remove(String workerId) {
        LinkedHashMap<Long, Boolean> lru = lruByWorker.remove(workerId);
        if (lru != null) {
            for (long h : lru.keySet()) {
                forget(h, workerId);
            }
        }
    }

    /** Block hashes remembered for a worker (for tests and metrics). */
    public synchronized int size(String workerId) {
        LinkedHashMap<Long, Boolean> lru = lruByWorker.get(workerId);
        return lru == null ? 0 : lru.size();
    }

    private void forget(long hash, String workerId) {
        Set<String> holders = workersByHash.get(hash);
        if (holders != null) {
            holders.remove(workerId);
            if (holders.isEmpty()) {
                workersByHash.remove(hash);
            }
        }
    }
}
