package dev.quanta.deploy.readonly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.testsupport.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart runs every container on a read-only root filesystem with only /tmp (java.io.tmpdir) and the model
 * volume writable. This shows each service keeps to that: started from a copy of its runnable jar in a fresh
 * directory, with a fresh working directory, a fresh home and a fresh java.io.tmpdir, made ready, exercised and
 * stopped, it leaves the working directory, the jar's directory and the home exactly as they were. (Tests run as
 * root here, so a read-only permission bit would prove nothing; comparing the trees does.)
 */
class ReadOnlyWorkingDirectoryIT {

    private static final String ADMIN_TOKEN = "read-only-it-admin";

    static List<ServiceLaunch> services() {
        TestDatabase.Coordinates db = TestDatabase.get();
        Map<String, String> database = Map.of("DATABASE_URL", db.jdbcUrl(), "DATABASE_USER", db.username(),
                "DATABASE_PASSWORD", db.password(), "QUANTA_ADMIN_TOKEN", ADMIN_TOKEN);
        List<String> spring = List.of("--enable-native-access=ALL-UNNAMED");
        List<ServiceLaunch> services = new ArrayList<>();
        services.add(new ServiceLaunch("registry-service", spring, List.of(),
                with(database, "QUANTA_MODELS_DIR", "{models}", "QUANTA_WORKER_TOKEN", "read-only-it-worker"),
                "/actuator/health/readiness", List.of("/models", "/models/qwen-72b")));
        services.add(new ServiceLaunch("planner-service", spring, List.of(),
                with(database, "QUANTA_REGISTRY_URL", "http://127.0.0.1:9"),
                "/actuator/health/readiness", List.of("/gpus")));
        // The gateway keeps its per-key limit counters in PostgreSQL (where #11's gateway has landed).
        services.add(new ServiceLaunch("gateway", spring, List.of(), with(database, "QUANTA_API_KEYS", "read-only-it-key"),
                "/actuator/health/readiness", List.of("/actuator/health")));
        // The worker, once its `serve` command exists (the test checks and skips it with a message until then):
        services.add(new ServiceLaunch("inference-worker", List.of("--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector"), List.of("serve", "--model", "{models}/stories260K.gguf",
                "--port", "{port}"), Map.of(), "/health", List.of("/v1/models", "/metrics")));
        return services;
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> out = new TreeMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void leavesItsWorkingDirectoryJarDirectoryAndHomeUntouched(ServiceLaunch service) throws Exception {
        Path jar = service.jar();
        assertThat(jar).as("runnable jar (built by the reactor before this module)").isRegularFile();
        Path base = Files.createDirectories(Path.of("target", "read-only-it")).toAbsolutePath();
        Path work = Files.createTempDirectory(base, service.module() + "-work-");
        Path tmp = Files.createTempDirectory(base, service.module() + "-tmp-");
        Path home = Files.createTempDirectory(base, service.module() + "-home-");
        Path jarDir = Files.createTempDirectory(base, service.module() + "-jar-");
        Path models = Files.createTempDirectory(base, service.module() + "-models-");
        Path copy = Files.copy(jar, jarDir.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        if (service.module().equals("inference-worker")) {
            assumeTrue(hasServeCommand(copy, service), "the worker has no `serve` command on this branch yet");
            Path model = Path.of(System.getProperty("quanta.shared.dir", "../../shared"), "models", "stories260K.gguf");
            assumeTrue(Files.isRegularFile(model), "no " + model + " (shared test models)");
            Files.copy(model, models.resolve("stories260K.gguf"));
        }
        Map<String, String> before = Map.of("work", snapshot(work), "jar", snapshot(jarDir), "home", snapshot(home));

        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Djava.io.tmpdir=" + tmp, "-Duser.home=" + home,
                "-Xmx384m", "-XX:TieredStopAtLevel=1"));
        command.addAll(service.jvmFlags());
        command.addAll(List.of("-jar", copy.toString()));
        service.args().forEach(a -> command.add(fill(a, port, models)));
        Path log = base.resolve(service.module() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("HOME", home.toString());
        builder.environment().put("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true");
        service.env().forEach((k, v) -> builder.environment().put(k, fill(v, port, models)));
        Process process = builder.start();
        String tmpWhileRunning;
        try {
            URI url = URI.create("http://127.0.0.1:" + port);
            awaitReady(process, url.resolve(service.readyPath()), log);
            HttpClient client = HttpClient.newHttpClient();
            for (String path : service.exercise()) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(url.resolve(path))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(service + " GET " + path + ": " + r.body()).isEqualTo(200);
            }
            tmpWhileRunning = snapshot(tmp);
        } finally {
            stop(process);
        }
        assertThat(process.exitValue()).as(service + " exit after SIGTERM; see " + log).isIn(0, 143);

        assertThat(snapshot(work)).as(service + " working directory").isEqualTo(before.get("work"));
        assertThat(snapshot(jarDir)).as(service + " jar directory").isEqualTo(before.get("jar"));
        assertThat(snapshot(home)).as(service + " home").isEqualTo(before.get("home"));
        System.out.println(service + ": java.io.tmpdir while running (the only place it wrote):\n" + tmpWhileRunning
                + "after stop:\n" + snapshot(tmp));
    }

    private static boolean hasServeCommand(Path jar, ServiceLaunch service) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(service.jvmFlags());
        command.addAll(List.of("-jar", jar.toString(), "serve", "--help"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        // picocli answers an unknown subcommand followed by --help with the root's usage, so look for serve's own.
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("(?s).*Usage: \\S+ serve\\b.*");
    }

    private static String fill(String template, int port, Path models) {
        return template.replace("{port}", Integer.toString(port)).replace("{models}", models.toString());
    }

    /** Every file and directory under root with its size and modification time, one per line, sorted. */
    static String snapshot(Path root) throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.append(root.relativize(p)).append(a.isDirectory() ? "/" : "").append(' ')
                        .append(a.isDirectory() ? "" : a.size()).append(' ').append(a.lastModifiedTime().toMillis())
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static void awaitReady(Process process, URI ready, Path log) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + " before ready; see " + log);
            }
            try {
                if (client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not ready within 5 minutes: " + ready + "; see " + log);
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
