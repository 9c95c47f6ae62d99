package dev.quanta.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Picks a worker among the live ones serving a model. Pure: no Spring, no I/O; the caller supplies candidates
 * (already filtered to live, not ejected workers of the model) and records the outcome with {@link #served}.
 */
public final class Router {

    private final Strategy strategy;
    private final Weights weights;
    private final PrefixHasher hasher;
    private final PrefixIndex index;
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();

    public Router(Strategy strategy, Weights weights, PrefixHasher hasher, PrefixIndex index) {
        this.strategy = strategy;
        this.weights = weights;
        this.hasher = hasher;
        this.index = index;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** The prompt's block hashes for {@code model} (empty when no full block; pass to {@link #route} and {@link #served}). */
    public long[] hashes(String model, CharSequence prompt) {
        return prompt == null ? new long[0] : hasher.hashes(model, prompt);
    }

    /**
     * Orders {@code candidates} for a request.
     *
     * @param model      the requested model (all candidates serve it)
     * @param hashes     {@link #hashes} of its prompt
     * @param sessionKey the session-affinity header's value, or null
     */
    public Decision route(String model, List<Candidate> candidates, long[] hashes, String sessionKey) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates for " + model);
        }
        // A stable order to start from, so ties and round-robin do not depend on the caller's list order.
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparing(c -> c.worker().id()));
        long turn = turns.computeIfAbsent(model, m -> new AtomicLong()).getAndIncrement();
        int n = sorted.size();
        if (n == 1) {
            return new Decision(List.of(sorted.getFirst().worker()), Decision.Reason.SINGLE_CANDIDATE);
        }
        if (sessionKey != null && !sessionKey.isBlank()) {
            return sessionOrder(sorted, sessionKey);
        }
        if (strategy == Strategy.ROUND_ROBIN) {
            List<Worker> order = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                order.add(sorted.get((int) ((turn + i) % n)).worker());
            }
            return new Decision(order, Decision.Reason.ROUND_ROBIN);
        }
        double prefixWeight = strategy == Strategy.PREFIX_AWARE ? weights.prefix() : 0.0;
        double[] prefix = prefixWeight > 0
                ? Scorers.prefix(sorted, index.longestPrefixMatch(hashes), hashes.length) : new double[n];
        double[] queue = Scorers.queue(sorted);
        double[] kv = Scorers.kvUsage(sorted);
        double[] total = new double[n];
        for (int i = 0; i < n; i++) {
            total[i] = prefixWeight * prefix[i] + weights.queue() * queue[i] + weights.kvUsage() * kv[i];
        }
        // Best score first; equal scores rotate with the turn counter so idle workers share the load.
        List<Integer> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add((int) ((turn + i) % n));
        }
        ids.sort((a, b) -> Double.compare(total[b], total[a]));
        List<Worker> order = ids.stream().map(i -> sorted.get(i).worker()).toList();
        int best = ids.getFirst();
        double maxOtherPrefix = 0;
        for (int i = 0; i < n; i++) {
            if (i != best) {
                maxOtherPrefix = Math.max(maxOtherPrefix, prefix[i]);
            }
        }
        Decision.Reason reason = prefix[best] > maxOtherPrefix ? Decision.Reason.PREFIX_HIT : Decision.Reason.LOAD;
        return new Decision(order, reason);
    }

    /** Records that {@code worker} served a prompt with these hashes, so later prompts sharing it prefer it. */
    public void served(Worker worker, long[] hashes) {
        if (strategy == Strategy.PREFIX_AWARE && hashes.length > 0) {
            index.record(worker.id(), hashes);
        }
    }

    /** Forgets a worker that left the pool. */
    public void forget(String workerId) {
        index.remove(workerId);
    }

    /** Rendezvous hashing: each worker's weight is a hash of (session, worker id); highest first. */
    private static Decision sessionOrder(List<Candidate> sorted, String sessionKey) {
        List<Candidate> order = new ArrayList<>(sorted);
        order.sort(Comparator.comparingLong((Candidate c) -> rendezvous(sessionKey, c.worker().id())).reversed());
        return new Decision(order.stream().map(Candidate::worker).toList(), Decision.Reason.SESSION_AFFINITY);
    }

    private static long rendezvous(String session, String workerId) {
        long h = 0xcbf29ce484222325L;
        for (char c : (session + '\u0000' + workerId).toCharArray()) {
            h = (h ^ c) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }
}
