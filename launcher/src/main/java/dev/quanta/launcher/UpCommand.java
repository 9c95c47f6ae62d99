package dev.quanta.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the local platform: PostgreSQL (embedded unless {@code DATABASE_URL} is set), then each service
 * as a child JVM, waits until each is ready, prints the URLs and stops everything on Ctrl-C.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the local platform (PostgreSQL + services) and stop it on Ctrl-C.")
final class UpCommand implements Callable<Integer> {

    @Option(names = "--home", description = "Quanta checkout holding the built jars (default: $QUANTA_HOME or .)")
    Path home = Path.of(env("QUANTA_HOME", "."));

    @Option(names = "--state-dir", description = "Embedded PostgreSQL data, logs and the generated admin token"
            + " (default: <home>/.quanta)")
    Path stateDir;

    @Option(names = "--models-dir", description = "Model directory served to the services"
            + " (default: $QUANTA_MODELS_DIR or <home>/models)")
    Path modelsDir;

    @Option(names = "--registry-port", description = "Registry port (default: ${DEFAULT-VALUE})")
    int registryPort = 8081;

    @Option(names = "--planner-port", description = "Planner port (default: ${DEFAULT-VALUE})")
    int plannerPort = 8082;

    @Option(names = "--without", split = ",", description = "Services not to start, e.g. --without planner")
    List<String> without = List.of();

    @Option(names = "--ready-timeout", description = "Seconds to wait for each service (default: ${DEFAULT-VALUE})")
    int readyTimeoutSeconds = 180;

    @Option(names = "--service-java-options", split = " ",
            description = "JVM options for each service (default: ${DEFAULT-VALUE})")
    List<String> serviceJavaOptions = List.of("-Xmx512m", "-XX:+UseSerialGC");

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        home = home.toAbsolutePath().normalize();
        Path state = stateDir != null ? stateDir.toAbsolutePath() : home.resolve(".quanta");
        Path models = modelsDir != null ? modelsDir : Path.of(env("QUANTA_MODELS_DIR", home.resolve("models").toString()));
        Files.createDirectories(models);
        List<ServiceSpec> specs = new ArrayList<>();
        specs.add(new ServiceSpec("registry", "registry-service", registryPort));
        specs.add(new ServiceSpec("planner", "planner-service", plannerPort));
        specs.removeIf(s -> without.contains(s.name()));
        for (ServiceSpec spec : specs) {
            spec.jar(home); // fail before starting anything when a jar is missing
            requireFreePort(spec.port(), spec.name());
        }

        String adminToken = adminToken(state);
        List<AutoCloseable> running = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(running), "quanta-stop"));

        LocalDatabase db = openDatabase(state);
        running.add(db);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", db.user());
        env.put("DATABASE_PASSWORD", db.password());
        env.put("QUANTA_ADMIN_TOKEN", adminToken);
        env.put("QUANTA_MODELS_DIR", models.toAbsolutePath().toString());
        env.put("QUANTA_REGISTRY_URL", "http://127.0.0.1:" + registryPort);
        env.put("QUANTA_PLANNER_URL", "http://127.0.0.1:" + plannerPort);

        List<ServiceProcess> services = new ArrayList<>();
        for (ServiceSpec spec : specs) {
            out.println("starting " + spec.name() + " on port " + spec.port() + " ...");
            ServiceProcess service = ServiceProcess.start(spec.name(), spec.jar(home), serviceJavaOptions,
                    spec.port(), env, state.resolve("logs").resolve(spec.name() + ".log"));
            running.add(0, service); // stop services before the database
            services.add(service);
            service.awaitReady(Duration.ofSeconds(readyTimeoutSeconds));
        }

        out.println();
        out.println("Quanta is up:");
        for (ServiceProcess service : services) {
            out.printf("  %-9s %s  (OpenAPI %s/v3/api-docs, log %s)%n", service.name(), service.baseUrl(),
                    service.baseUrl(), displayPath(service.logFile()));
        }
        out.printf("  %-9s %s%s%n", "postgres", db.jdbcUrl(),
                db.isEmbedded() ? "  (embedded, data in " + state.resolve("postgres") + ")" : "  (DATABASE_URL)");
        out.printf("  %-9s %s%n", "models", models.toAbsolutePath());
        out.println("  admin token (Authorization: Bearer ...): " + adminToken);
        out.println("Press Ctrl-C to stop.");
        out.flush();

        while (true) {
            for (ServiceProcess service : services) {
                if (!service.isAlive()) {
                    System.err.println("quanta up: " + service.name() + " stopped unexpectedly; see "
                            + service.logFile());
                    return 1; // the shutdown hook stops the rest
                }
            }
            Thread.sleep(1000);
        }
    }

    private LocalDatabase openDatabase(Path state) throws Exception {
        String url = System.getenv("DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return LocalDatabase.external(url, env("DATABASE_USER", "postgres"), env("DATABASE_PASSWORD", ""));
        }
        out.println("starting embedded PostgreSQL (data in " + state.resolve("postgres") + ") ...");
        return LocalDatabase.embedded(state.resolve("postgres"), state.resolve("logs").resolve("postgres.log"));
    }

    /** {@code QUANTA_ADMIN_TOKEN}, or the one generated on the first run and kept (mode 600) in the state dir. */
    private static String adminToken(Path state) throws IOException {
        String configured = System.getenv("QUANTA_ADMIN_TOKEN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path file = state.resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(state);
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return token;
    }

    private static void requireFreePort(int port, String service) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("0.0.0.0", port));
        } catch (IOException e) {
            throw new IOException("port " + port + " for " + service + " is in use (choose another with --"
                    + service + "-port)");
        }
    }

    private static void stopAll(List<AutoCloseable> running) {
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("quanta up: while stopping: " + e.getMessage());
            }
        }
    }

    /** Paths inside the checkout relative to it (shorter), others absolute. */
    private String displayPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(home) ? home.relativize(absolute).toString() : absolute.toString();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A service of the platform: its name, Maven module and port. */
    record ServiceSpec(String name, String module, int port) {
        Path jar(Path home) throws IOException {
            Path target = home.resolve(module).resolve("target");
            if (Files.isDirectory(target)) {
                try (var files = Files.list(target)) {
                    var jar = files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst();
                    if (jar.isPresent()) {
                        return jar.get();
                    }
                }
            }
            throw new IOException(name + " is not built (no " + module + "/target/*-exec.jar under " + home
                    + "); run ./mvnw -DskipTests install first");
        }
    }
}
