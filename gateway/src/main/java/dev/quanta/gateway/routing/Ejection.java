package dev.quanta.gateway.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failing workers out and back in (outlier ejection): after {@code threshold} consecutive failures (connect
 * errors, 5xx before the first byte, failed scrapes) a worker is out of rotation; once {@code probeAfter} has
 * passed it is due for a health probe, and one success puts it back. Pure, the clock is passed in.
 */
public final class Ejection {

    private final int threshold;
    private final Duration probeAfter;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private record State(int consecutiveFailures, Instant ejectedAt) {}

    public Ejection(int threshold, Duration probeAfter) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be >= 1");
        }
        this.threshold = threshold;
        this.probeAfter = probeAfter;
    }

    /** Records a failure; returns true when this one ejected the worker. */
    public synchronized boolean failure(String workerId, Instant now) {
        State old = states.get(workerId);
        int failures = old == null ? 1 : old.consecutiveFailures() + 1;
        Instant ejectedAt = old == null ? null : old.ejectedAt();
        boolean newlyEjected = ejectedAt == null && failures >= threshold;
        states.put(workerId, new State(failures, newlyEjected ? now : ejectedAt));
        return newlyEjected;
    }

    /** Records a success (a served request or a passing probe): the worker is back in rotation. */
    public synchronized void success(String workerId) {
        states.remove(workerId);
    }

    public boolean isEjected(String workerId) {
        State s = states.get(workerId);
        return s != null && s.ejectedAt() != null;
    }

    /** Ejected long enough to be probed again. */
    public boolean dueForProbe(String workerId, Instant now) {
        State s = states.get(workerId);
        return s != null && s.ejectedAt() != null && !now.isBefore(s.ejectedAt().plus(probeAfter));
    }

    /** A failed probe restarts the wait before the next one. */
    public synchronized void probeFailed(String workerId, Instant now) {
        states.computeIfPresent(workerId, (id, s) -> new State(s.consecutiveFailures() + 1, now));
    }

    public void forget(String workerId) {
        states.remove(workerId);
    }
}
