package dev.quanta.registry.worker;

import dev.quanta.registry.model.ModelKeys;
import dev.quanta.edge.problem.ProblemException;
import dev.quanta.registry.system.RegistryProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Worker leases with a TTL ({@code quanta.registry.lease-ttl}). A worker creates and renews its lease with the
 * same call; a lease not renewed within the TTL disappears from listings. The model key is not checked
 * against the profiles: a worker may serve a file nobody has imported yet.
 */
@Service
public class WorkerLeaseService {

    /** Lapsed leases are deleted once they are this much older than their expiry. */
    private static final Duration PURGE_AFTER = Duration.ofHours(1);

    private final WorkerLeaseStore store;
    private final Clock clock;
    private final Duration ttl;

    WorkerLeaseService(WorkerLeaseStore store, Clock clock, RegistryProperties properties) {
        this.store = store;
        this.clock = clock;
        this.ttl = properties.leaseTtl();
    }

    public record Renewal(WorkerLease lease, boolean created) {}

    @Transactional
    public Renewal renew(String id, WorkerLeaseRequest request) {
        checkId(id);
        Instant now = clock.instant();
        store.purgeLapsedBefore(now.minus(PURGE_AFTER));
        WorkerLease lease = WorkerLease.renewed(id, request, now, ttl);
        return new Renewal(lease, store.upsert(lease));
    }

    @Transactional(readOnly = true)
    public List<WorkerLease> live(String modelKey) {
        String model = modelKey == null || modelKey.isBlank() ? null : modelKey.strip().toLowerCase(Locale.ROOT);
        return store.live(model, clock.instant());
    }

    @Transactional
    public void release(String id) {
        checkId(id);
        if (!store.delete(id)) {
            throw ProblemException.notFound("worker", id);
        }
    }

    private static void checkId(String id) {
        if (!id.matches("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")) {
            throw ProblemException.invalid("id", "worker id must be 1-64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
    }

    Duration ttl() {
        return ttl;
    }
}
