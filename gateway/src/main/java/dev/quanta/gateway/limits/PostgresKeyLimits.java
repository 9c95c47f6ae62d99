package dev.quanta.gateway.limits;

import dev.quanta.gateway.config.GatewayProperties;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Fixed-window counters in PostgreSQL table {@code gateway.key_usage}, so every gateway replica sees the same
 * counts. One round trip per request: an upsert that increments the key's request counter for the current
 * window and returns it together with the key's tokens used in the current token window. Windows are cut on
 * the database's clock, so replicas with skewed clocks still agree.
 *
 * <p>NOTE: PostgreSQL rather than Redis because it is the one store the platform already runs (the registry
 * and the planner need it); an atomic {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING} is a shared
 * counter with no extra moving part, at about a tenth of a millisecond on a local connection.
 */
@Component
public class PostgresKeyLimits implements KeyLimits {

    private static final Logger log = LoggerFactory.getLogger(PostgresKeyLimits.class);

    private static final String ADMIT = """
            WITH w AS (
              SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?) AS rstart,
                     to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?) AS tstart,
                     clock_timestamp() AS now
            ), r AS (
              INSERT INTO gateway.key_usage (key_id, kind, window_start, used)
              SELECT ?, 'requests', rstart, 1 FROM w
              ON CONFLICT (key_id, kind, window_start) DO UPDATE SET used = key_usage.used + 1
              RETURNING used
            )
            SELECT (SELECT used FROM r) AS requests,
                   coalesce((SELECT u.used FROM gateway.key_usage u, w WHERE u.key_id = ? AND u.kind = 'tokens'
                             AND u.window_start = w.tstart), 0) AS tokens,
                   ceil(extract(epoch FROM w.rstart - w.now) + ?) AS request_retry,
                   ceil(extract(epoch FROM w.tstart - w.now) + ?) AS token_retry
            FROM w
            """;

    private static final String CHARGE = """
            INSERT INTO gateway.key_usage (key_id, kind, window_start, used)
            VALUES (?, 'tokens', to_timestamp(floor(extract(epoch FROM clock_timestamp()) / ?) * ?), ?)
            ON CONFLICT (key_id, kind, window_start) DO UPDATE SET used = key_usage.used + excluded.used
            """;

    private final JdbcTemplate jdbc;
    private final GatewayProperties.Limits limits;

    public PostgresKeyLimits(JdbcTemplate jdbc, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.limits = properties.limits();
    }

    @Override
    public Admission admit(String keyId) {
        if (limits.requestsFor(keyId) <= 0 && limits.tokensFor(keyId) <= 0) {
            return Admission.OK; // unlimited key: nothing to count
        }
        long rw = limits.requestWindow().toSeconds();
        long tw = limits.tokenWindow().toSeconds();
        Map<String, Object> row = jdbc.queryForMap(ADMIT, rw, rw, tw, tw, keyId, keyId, rw, tw);
        long requests = ((Number) row.get("requests")).longValue();
        long tokens = ((Number) row.get("tokens")).longValue();
        long maxRequests = limits.requestsFor(keyId);
        long maxTokens = limits.tokensFor(keyId);
        if (maxRequests > 0 && requests > maxRequests) {
            return new Admission(false, "request rate: more than " + maxRequests + " requests per "
                    + limits.requestWindow().toSeconds() + " s", Math.max(1, ((Number) row.get("request_retry")).longValue()));
        }
        if (maxTokens > 0 && tokens >= maxTokens) {
            return new Admission(false, "token budget: " + tokens + " of " + maxTokens + " tokens per "
                    + limits.tokenWindow().toSeconds() + " s used", Math.max(1, ((Number) row.get("token_retry")).longValue()));
        }
        return Admission.OK;
    }

    @Override
    public void charge(String keyId, long tokens) {
        if (tokens <= 0 || limits.tokensFor(keyId) <= 0) {
            return;
        }
        long tw = limits.tokenWindow().toSeconds();
        jdbc.update(CHARGE, keyId, tw, tw, tokens);
    }

    /** Windows older than twice the longer window are of no use to anyone. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void purge() {
        long keep = 2 * Math.max(limits.requestWindow().toSeconds(), limits.tokenWindow().toSeconds());
        int removed = jdbc.update("DELETE FROM gateway.key_usage WHERE window_start < clock_timestamp() - make_interval(secs => ?)",
                (double) keep);
        if (removed > 0) {
            log.debug("purged {} expired usage windows", removed);
        }
    }
}
