package dev.quanta.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class TestDatabaseTest {

    @Test
    void replacesTheDatabaseNameAndKeepsHostPortAndParameters() {
        assertThat(TestDatabase.withDatabase("jdbc:postgresql://127.0.0.1:5432/postgres?sslmode=disable", "t1"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/t1?sslmode=disable");
        assertThat(TestDatabase.withDatabase("jdbc:postgresql://db.internal/app", "t2"))
                .isEqualTo("jdbc:postgresql://db.internal/t2");
    }

    @Test
    void givesARealPostgresqlThatAcceptsDdlAndQueries() throws Exception {
        TestDatabase.Coordinates db = TestDatabase.get();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS probe (id serial PRIMARY KEY, note jsonb)");
            c.createStatement().execute("INSERT INTO probe (note) VALUES ('{\"a\": 1}')");
            try (ResultSet rs = c.createStatement().executeQuery("SELECT note->>'a', version() FROM probe")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("1");
                assertThat(rs.getString(2)).startsWith("PostgreSQL");
            }
        }
    }

    @Test
    void theEmbeddedServerRunsTheSameMajorAsTheTestContainer() {
        // NOTE: zonky's own default binaries are PostgreSQL 14 while the container was 17; the parent POM
        // now pins the embedded binaries, which is what the launcher's embedded server runs as well.
        assertThat(TestDatabase.serverMajor(TestDatabase.startEmbeddedForTest())).isEqualTo(TestDatabase.POSTGRES_MAJOR);
    }

    @Test
    void returnsTheSameDatabaseForTheWholeJvm() {
        assertThat(TestDatabase.get()).isSameAs(TestDatabase.get());
    }
}
