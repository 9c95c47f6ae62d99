package dev.quanta.registry.worker;

import java.time.Duration;
import java.time.Instant;

/** A worker's lease: live while {@code now < expiresAt}. Pure value, no Spring. */
public record WorkerLease(String id, String modelKey, String baseUrl, int capacity, Instant renewedAt,
        Instant expiresAt) {

    /** A lease renewed at {@code now} for {@code ttl}. */
    public static WorkerLease renewed(String id, WorkerLeaseRequest request, Instant now, Duration ttl) {
        return new WorkerLease(id, request.modelKey(), request.baseUrl(), request.capacity(), now, now.plus(ttl));
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
