package dev.quanta.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDatabaseTest {

    @TempDir
    Path state;

    @Test
    void embeddedDatabaseKeepsItsDataAcrossRestarts() throws Exception {
        Path data = state.resolve("postgres");
        try (LocalDatabase db = LocalDatabase.embedded(data, state.resolve("logs/postgres.log"))) {
            assertThat(db.isEmbedded()).isTrue();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                c.createStatement().execute("CREATE TABLE kept (v text)");
                c.createStatement().execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        try (LocalDatabase db = LocalDatabase.embedded(data, state.resolve("logs/postgres.log"));
                Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void externalDatabaseThatDoesNotAnswerIsNamedInTheError() {
        assertThatThrownBy(() -> LocalDatabase.external("jdbc:postgresql://127.0.0.1:1/none", "u", "p"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("DATABASE_URL jdbc:postgresql://127.0.0.1:1/none does not answer");
    }
}
