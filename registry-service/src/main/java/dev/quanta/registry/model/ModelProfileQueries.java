package dev.quanta.registry.model;

import dev.quanta.registry.api.ModelProfileResponse;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The read of one profile by key, the registry's hottest path (planner, gateway), as one SQL statement.
 *
 * <p>NOTE: deliberately outside JPA and without a transaction: a single auto-committed SELECT is one round
 * trip to PostgreSQL, where a JPA read-only transaction costs a second one (the commit when auto-commit is
 * restored) plus a persistence context per request. Measured by {@code scripts/registry-load.sh}. Writes stay
 * in JPA with optimistic locking; the column list must follow V1 (the ITs read every field back).
 */
@Repository
class ModelProfileQueries {

    private final JdbcClient jdbc;

    ModelProfileQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<ModelProfileResponse> find(String key) {
        return jdbc.sql("""
                SELECT model_key, name, family, architecture, parameters_billions, fp16_memory_gb, layers,
                       hidden_size, attention_heads, kv_heads, head_dim, context_length, vocab_size, version
                FROM registry.model_profile WHERE model_key = ?""")
                .param(key)
                .query((rs, row) -> new ModelProfileResponse(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getDouble(5), rs.getDouble(6), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                        rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getInt(13), rs.getLong(14)))
                .optional();
    }
}
