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
    void embeddedServerIsTheTestsMajorVersion() throws Exception {
        try (LocalDatabase db = LocalDatabase.embedded(state.resolve("pg"), state.resolve("logs/postgres.log"));
                Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
            assertThat(rs.next()).isTrue();
            assertThat(Integer.parseInt(rs.getString(1)) / 10000).isEqualTo(LocalDatabase.EMBEDDED_MAJOR);
        }
    }

    @Test
    void refusesADataDirectoryOfAnotherMajorVersion() throws Exception {
        Path data = state.resolve("old");
        java.nio.file.Files.createDirectories(data);
        java.nio.file.Files.writeString(data.resolve("PG_VERSION"), "14\n");
        assertThatThrownBy(() -> LocalDatabase.embedded(data, state.resolve("logs/postgres.log")))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("PostgreSQL 14")
                .hasMessageContaining("move the directory away");
    }

    @Test
    void externalDatabaseErrorMasksThePassword() {
        assertThatThrownBy(() -> LocalDatabase.external("jdbc:postgresql://127.0.0.1:1/none?password=hunter2", "u", "p"))
                .isInstanceOf(SQLException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void externalDatabaseThatDoesNotAnswerIsNamedInTheError() {
        assertThatThrownBy(() -> LocalDatabase.external("jdbc:postgresql://127.0.0.1:1/none", "u", "p"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("DATABASE_URL jdbc:postgresql://127.0.0.1:1/none does not answer");
    }
}
