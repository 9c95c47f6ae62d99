package dev.quanta.gateway.limits;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fixed-window counters in PostgreSQL table {@code gateway.key_usage}, so every gateway replica sees the same
 * counts. A reservation is one atomic {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}: concurrent ones
 * queue on the row's lock, so each sees the total before its own addition. Windows are cut on the
 * database's clock, so replicas with skewed clocks still agree.
 *
 * <p>NOTE: PostgreSQL rather than Redis because it is the one store the platform already runs (the registry
 * and the planner need it); {@link LeasedKeyLimits} reserves from it in chunks, so it sees one round trip
 * per chunk of requests or tokens, not one per request.
 */
@Component
public class PostgresUsageStore implements UsageStore {

    private static final Logger log = LoggerFactory.getLogger(PostgresUsageStore.class);

    private static final String RESERVE = """
            WITH w AS (
              SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?) AS start,
                     clock_timestamp() AS now
            ), r AS (
              INSERT INTO gateway.key_usage (key_id, kind, window_start, used)
              SELECT ?, ?, start, ? FROM w
              ON CONFLICT (key_id, kind, window_start) DO UPDATE SET used = key_usage.used + excluded.used
              RETURNING used
            )
            SELECT (SELECT used FROM r) AS used,
                   extract(epoch FROM w.start + make_interval(secs => ?) - w.now)::float8 AS to_end
            FROM w
            """;

    private static final String ADD = """
            INSERT INTO gateway.key_usage (key_id, kind, window_start, used)
            VALUES (?, ?, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?), ?)
            ON CONFLICT (key_id, kind, window_start) DO UPDATE SET used = key_usage.used + excluded.used
            """;

    private final JdbcTemplate jdbc;
    private final long purgeAfterSeconds;

    public PostgresUsageStore(JdbcTemplate jdbc, dev.quanta.gateway.config.GatewayProperties properties) {
        this.jdbc = jdbc;
        var limits = properties.limits();
        this.purgeAfterSeconds = 2 * Math.max(limits.requestWindow().toSeconds(), limits.tokenWindow().toSeconds());
    }

    @Override
    public Reservation reserve(String keyId, Kind kind, long windowSeconds, long amount, long limit) {
        Map<String, Object> row = jdbc.queryForMap(RESERVE, windowSeconds, windowSeconds, keyId, kind.column(), amount,
                (double) windowSeconds);
        long after = ((Number) row.get("used")).longValue();
        long before = after - amount;
        long granted = Math.max(0, Math.min(amount, limit - before));
        return new Reservation(granted, ((Number) row.get("to_end")).doubleValue());
    }

    @Override
    public void add(String keyId, Kind kind, long windowSeconds, long amount) {
        jdbc.update(ADD, keyId, kind.column(), windowSeconds, windowSeconds, amount);
    }

    /** Windows older than twice the longer window are of no use to anyone. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void purge() {
        int removed = jdbc.update("DELETE FROM gateway.key_usage WHERE window_start < clock_timestamp() - make_interval(secs => ?)",
                (double) purgeAfterSeconds);
        if (removed > 0) {
            log.debug("purged {} expired usage windows", removed);
        }
    }
}
