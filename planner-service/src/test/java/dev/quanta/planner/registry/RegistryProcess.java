package dev.quanta.planner.registry;

import dev.quanta.testsupport.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real registry (its exec jar) as a child process on a free port, against the tests' PostgreSQL.
 * Its log goes to {@code target/registry-process.log}.
 */
public final class RegistryProcess implements AutoCloseable {

    public static final String ADMIN_TOKEN = "registry-it-token";

    private final Process process;
    private final URI url;

    private RegistryProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** The jar named by the system property {@code quanta.registry.jar}, when it exists. */
    public static Path jar() {
        String path = System.getProperty("quanta.registry.jar");
        return path == null ? null : Path.of(path);
    }

    /** Starts the registry and waits until its readiness probe answers UP (at most {@code timeout}). */
    public static RegistryProcess start(Path jar, Duration timeout) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestDatabase.Coordinates db = TestDatabase.get();
        Path models = Files.createTempDirectory("quanta-registry-models");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx384m",
                "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "registry-process.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("SERVER_PORT", Integer.toString(port));
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", db.username());
        env.put("DATABASE_PASSWORD", db.password());
        env.put("QUANTA_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("QUANTA_MODELS_DIR", models.toString());
        Process process = builder.start();
        RegistryProcess registry = new RegistryProcess(process, URI.create("http://127.0.0.1:" + port));
        try {
            registry.awaitReady(timeout);
        } catch (IOException | RuntimeException | InterruptedException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    public URI url() {
        return url;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with " + process.exitValue()
                        + "; see target/registry-process.log");
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(url.resolve("/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IOException("the registry was not ready within " + timeout + "; see target/registry-process.log");
    }

    /** Stops the process (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
