package dev.quanta.registry.worker;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Leases in {@code registry.worker_lease}, written with one atomic upsert so concurrent heartbeats of a
 * new worker cannot collide (plain SQL: the table has no relations and the upsert is PostgreSQL's).
 */
@Repository
class WorkerLeaseStore {

    private final JdbcClient jdbc;

    WorkerLeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or replaces the lease; true when it did not exist before. */
    boolean upsert(WorkerLease lease) {
        return jdbc.sql("""
                INSERT INTO registry.worker_lease (worker_id, model_key, base_url, capacity, renewed_at, expires_at)
                VALUES (:id, :model, :url, :capacity, :renewed, :expires)
                ON CONFLICT (worker_id) DO UPDATE SET model_key = EXCLUDED.model_key, base_url = EXCLUDED.base_url,
                    capacity = EXCLUDED.capacity, renewed_at = EXCLUDED.renewed_at, expires_at = EXCLUDED.expires_at
                RETURNING (xmax = 0) AS inserted
                """)
                .param("id", lease.id())
                .param("model", lease.modelKey())
                .param("url", lease.baseUrl())
                .param("capacity", lease.capacity())
                .param("renewed", utc(lease.renewedAt()))
                .param("expires", utc(lease.expiresAt()))
                .query((rs, row) -> rs.getBoolean("inserted"))
                .single();
    }

    /** Leases live at {@code now}, of {@code modelKey} when not null, by id. */
    List<WorkerLease> live(String modelKey, Instant now) {
        return jdbc.sql("""
                SELECT * FROM registry.worker_lease
                WHERE expires_at > :now AND (CAST(:model AS varchar) IS NULL OR model_key = :model)
                ORDER BY worker_id
                """)
                .param("now", utc(now))
                .param("model", modelKey)
                .query(WorkerLeaseStore::lease)
                .list();
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM registry.worker_lease WHERE worker_id = :id").param("id", id).update() > 0;
    }

    /** Drops leases that lapsed before {@code cutoff}; they are invisible already, this only keeps the table small. */
    int purgeLapsedBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM registry.worker_lease WHERE expires_at < :cutoff")
                .param("cutoff", utc(cutoff)).update();
    }

    private static WorkerLease lease(ResultSet rs, int row) throws SQLException {
        return new WorkerLease(rs.getString("worker_id"), rs.getString("model_key"), rs.getString("base_url"),
                rs.getInt("capacity"), rs.getObject("renewed_at", OffsetDateTime.class).toInstant(),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
