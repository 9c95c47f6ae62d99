package dev.quanta.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The platform's PostgreSQL: the external one named by {@code DATABASE_URL} (a JDBC URL, with
 * {@code DATABASE_USER} / {@code DATABASE_PASSWORD}), or else an embedded one whose data directory
 * persists under the launcher's state directory, so profiles survive a restart.
 */
final class LocalDatabase implements AutoCloseable {

    /**
     * PostgreSQL major version of the embedded server: the same as the tests' (test-support's Testcontainers
     * image), so what passes in tests is what runs locally. The binaries' version is pinned in the parent POM.
     */
    static final int EMBEDDED_MAJOR = 17;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded; // null when external

    private LocalDatabase(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    static LocalDatabase external(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection ignored = DriverManager.getConnection(jdbcUrl, user, password)) {
            return new LocalDatabase(jdbcUrl, user, password, null);
        } catch (SQLException e) {
            throw new SQLException("DATABASE_URL " + Redaction.maskUrl(jdbcUrl) + " does not answer: "
                    + e.getMessage(), e);
        }
    }

    /** Starts (initialising on first use) an embedded PostgreSQL on a free port with data in {@code dataDir}. */
    static LocalDatabase embedded(Path dataDir, Path logFile) throws IOException {
        Files.createDirectories(dataDir);
        Files.createDirectories(logFile.getParent());
        Path versionFile = dataDir.resolve("PG_VERSION");
        if (Files.exists(versionFile)) {
            String existing = Files.readString(versionFile).strip();
            if (!existing.equals(Integer.toString(EMBEDDED_MAJOR))) {
                throw new IOException("the data directory " + dataDir + " was made by PostgreSQL " + existing
                        + " but the embedded server is " + EMBEDDED_MAJOR + "; move the directory away (or dump it"
                        + " with pg_dump " + existing + " and restore) before starting again");
            }
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setOutputRedirector(ProcessBuilderRedirects.appendTo(logFile))
                .setErrorRedirector(ProcessBuilderRedirects.appendTo(logFile))
                .start();
        return new LocalDatabase(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", pg);
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }

    /** Small helper so the builder calls above read plainly. */
    static final class ProcessBuilderRedirects {
        private ProcessBuilderRedirects() {}

        static ProcessBuilder.Redirect appendTo(Path file) {
            return ProcessBuilder.Redirect.appendTo(file.toFile());
        }
    }
}
