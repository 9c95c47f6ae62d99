package dev.quanta.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the local platform: PostgreSQL (embedded unless {@code DATABASE_URL} is set), the registry, the
 * planner, the gateway and one inference worker, each as a child JVM; waits until each is ready and the
 * gateway routes to the worker; prints the gateway URL and an API key; stops everything on Ctrl-C.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the local platform (PostgreSQL, registry, planner, gateway, one worker); Ctrl-C stops it.")
final class UpCommand implements Callable<Integer> {

    static final String WORKER_ID = "local-worker-1";
    /** synth's {@code --vocab} value for its byte-level tokenizer, which needs no file. */
    static final String BYTE_VOCAB = "bytes";

    @Option(names = "--home", description = "Quanta checkout holding the built jars (default: $QUANTA_HOME or .)")
    Path home = Path.of(env("QUANTA_HOME", "."));

    @Option(names = "--state-dir", description = "Embedded PostgreSQL data, logs, generated secrets and the demo"
            + " model (default: <home>/.quanta)")
    Path stateDir;

    @Option(names = "--models-dir", description = "Model directory served to the services"
            + " (default: $QUANTA_MODELS_DIR or <home>/models)")
    Path modelsDir;

    @Option(names = "--model", paramLabel = "FILE", description = "GGUF the worker serves (default: the first *.gguf"
            + " in the models directory, else a random-weight demo model generated once)")
    Path model;

    @Option(names = "--demo-vocab", paramLabel = "VOCAB.gguf", description = "Tokenizer for the demo model (default:"
            + " $QUANTA_DEMO_VOCAB, else a byte-level one made by synth: no file needed)")
    Path demoVocab;

    @Option(names = "--gateway-port", description = "Gateway port (default: ${DEFAULT-VALUE})")
    int gatewayPort = 8080;

    @Option(names = "--registry-port", description = "Registry port (default: ${DEFAULT-VALUE})")
    int registryPort = 8081;

    @Option(names = "--planner-port", description = "Planner port (default: ${DEFAULT-VALUE})")
    int plannerPort = 8082;

    @Option(names = "--worker-port", description = "Worker port (default: ${DEFAULT-VALUE})")
    int workerPort = 8090;

    @Option(names = "--without", split = ",", description = "Components not to start: planner, gateway, worker")
    List<String> without = List.of();

    @Option(names = "--ready-timeout", description = "Seconds to wait for each service (default: ${DEFAULT-VALUE})")
    int readyTimeoutSeconds = 300;

    @Option(names = "--service-java-options", split = " ",
            description = "JVM options for each service (default: ${DEFAULT-VALUE})")
    List<String> serviceJavaOptions = List.of("-Xmx512m", "-XX:+UseSerialGC");

    @Option(names = "--worker-java-options", split = " ",
            description = "JVM options for the worker (default: ${DEFAULT-VALUE})")
    List<String> workerJavaOptions = List.of("-Xmx2g");

    private final PrintStream out = System.out;
    /** Set by the shutdown hook, so services it stops are not reported as stopping unexpectedly. */
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        home = home.toAbsolutePath().normalize();
        Path state = stateDir != null ? stateDir.toAbsolutePath() : home.resolve(".quanta");
        Path models = (modelsDir != null ? modelsDir
                : Path.of(env("QUANTA_MODELS_DIR", home.resolve("models").toString()))).toAbsolutePath();
        Files.createDirectories(models);
        List<ServiceSpec> specs = new ArrayList<>();
        specs.add(new ServiceSpec("registry", "registry-service", registryPort));
        specs.add(new ServiceSpec("planner", "planner-service", plannerPort));
        specs.add(new ServiceSpec("gateway", "gateway", gatewayPort));
        specs.removeIf(s -> without.contains(s.name()));
        boolean withWorker = !without.contains("worker");
        for (ServiceSpec spec : specs) {
            spec.jar(home); // fail before starting anything when a jar is missing
            requireFreePort(spec.port(), spec.name());
        }
        Path workerJar = withWorker ? new ServiceSpec("worker", "inference-worker", workerPort).jar(home) : null;
        if (withWorker) {
            requireFreePort(workerPort, "worker");
        }

        Secrets.Secret adminToken = Secrets.resolve("QUANTA_ADMIN_TOKEN", System.getenv("QUANTA_ADMIN_TOKEN"), state,
                "admin-token");
        Secrets.Secret apiKey = Secrets.resolve("QUANTA_API_KEYS", System.getenv("QUANTA_API_KEYS"), state, "api-key");
        Secrets.Secret workerToken = Secrets.resolve("QUANTA_WORKER_TOKEN", System.getenv("QUANTA_WORKER_TOKEN"), state,
                "worker-token");
        ModelChoice choice = withWorker ? chooseModel(models, state, workerJar) : null;

        List<AutoCloseable> running = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            stopAll(running);
        }, "quanta-stop"));

        LocalDatabase db = openDatabase(state);
        running.add(db);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", db.user());
        env.put("DATABASE_PASSWORD", db.password());
        env.put("QUANTA_ADMIN_TOKEN", adminToken.value());
        env.put("QUANTA_API_KEYS", apiKey.value());
        env.put("QUANTA_WORKER_TOKENS", WORKER_ID + "=" + workerToken.value());
        env.put("QUANTA_MODELS_DIR", models.toString());
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
        if (withWorker) {
            out.println("starting worker on port " + workerPort + " serving " + choice.file().getFileName() + " as '"
                    + choice.servedName() + "' ...");
            Map<String, String> workerEnv = new LinkedHashMap<>(env);
            workerEnv.remove("QUANTA_WORKER_TOKENS");
            workerEnv.remove("QUANTA_API_KEYS");
            workerEnv.remove("QUANTA_ADMIN_TOKEN");
            workerEnv.remove("DATABASE_PASSWORD");
            boolean workerRole = registryKnowsWorkerCredentials();
            // NOTE: a registry built before the shared edge only accepts the admin token for leases; then the
            // worker falls back to it (the worker's own default), and the output says so.
            workerEnv.put("QUANTA_WORKER_TOKEN", workerRole ? workerToken.value() : adminToken.value());
            if (!workerRole) {
                out.println("  (this registry predates worker credentials: the worker renews its lease with the admin token)");
            }
            List<String> workerJvm = new ArrayList<>(workerJavaOptions);
            workerJvm.add("-Dquanta.worker.worker-id=" + WORKER_ID);
            ServiceProcess worker = ServiceProcess.start("worker", workerJar, workerJvm,
                    List.of("serve", "--model", choice.file().toString(), "--port", Integer.toString(workerPort),
                            "--served-model-name", choice.servedName(),
                            "--registry-url", "http://127.0.0.1:" + registryPort),
                    workerPort, workerEnv, state.resolve("logs").resolve("worker.log"), "/health");
            running.add(0, worker);
            services.add(worker);
            worker.awaitReady(Duration.ofSeconds(readyTimeoutSeconds));
            if (!without.contains("gateway")) {
                awaitRouted(choice.servedName(), apiKey.value(), Duration.ofSeconds(60));
            }
        }

        String gateway = "http://127.0.0.1:" + gatewayPort;
        out.println();
        out.println("Quanta is up:");
        for (ServiceProcess service : services) {
            out.printf("  %-9s %s  (log %s)%n", service.name(), service.baseUrl(), displayPath(service.logFile()));
        }
        out.printf("  %-9s %s%s%n", "postgres", Redaction.maskUrl(db.jdbcUrl()),
                db.isEmbedded() ? "  (embedded, data in " + state.resolve("postgres") + ")" : "  (DATABASE_URL)");
        out.printf("  %-9s %s%n", "models", models);
        if (choice != null) {
            out.printf("  %-9s %s served as '%s'%s%n", "model", choice.file(), choice.servedName(),
                    choice.demo() ? "  (random weights: a demo of the plumbing, its text is noise)" : "");
        }
        out.println("  admin token: " + adminToken.display("QUANTA_ADMIN_TOKEN"));
        if (!without.contains("gateway")) {
            out.println();
            out.println("Gateway: " + gateway + "   (OpenAI API at " + gateway + "/v1, Ollama API at " + gateway
                    + "/api, platform APIs at " + gateway + "/platform/registry and /platform/planner)");
            out.println("API key: " + apiKey.display("QUANTA_API_KEYS"));
            if (choice != null) {
                out.println("Try:     curl -s " + gateway + "/v1/completions -H \"Authorization: Bearer $KEY\""
                        + " -H 'Content-Type: application/json' -d '{\"model\":\"" + choice.servedName()
                        + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":32}'");
            }
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();

        while (true) {
            for (ServiceProcess service : services) {
                if (!service.isAlive() && !stopping) {
                    System.err.println("quanta up: " + service.name() + " stopped unexpectedly; see "
                            + service.logFile());
                    return 1; // the shutdown hook stops the rest
                }
            }
            Thread.sleep(1000);
        }
    }

    /** Whether the built registry carries the shared edge, whose WORKER role takes QUANTA_WORKER_TOKENS. */
    private boolean registryKnowsWorkerCredentials() throws IOException {
        Path jar = new ServiceSpec("registry", "registry-service", registryPort).jar(home);
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(e -> e.getName().startsWith("BOOT-INF/lib/quanta-service-edge"));
        }
    }

    private ModelChoice chooseModel(Path models, Path state, Path workerJar) throws Exception {
        var found = ModelChoice.explicitOrFound(model, models);
        if (found.isPresent()) {
            return found.get();
        }
        Path demo = state.resolve("demo").resolve(ModelChoice.DEMO_FILE);
        if (Files.isRegularFile(demo)) {
            out.println("no GGUF in " + models + ": serving the random-weight demo model " + demo
                    + " (noise, not language; put a real GGUF in " + models + " or pass --model FILE)");
            return ModelChoice.demo(demo);
        }
        String vocab = demoVocab();
        out.println("no GGUF in " + models + ": generating a small RANDOM-WEIGHT demo model once (" + ModelChoice.DEMO_SHAPE
                + " shape, " + ModelChoice.DEMO_TYPE + ", " + (vocab.equals(BYTE_VOCAB) ? "byte-level tokenizer"
                : "tokenizer from " + vocab) + ") at " + demo + " ...");
        out.println("  it shows the platform working end to end; its text is noise. For real text put a GGUF in "
                + models + " or pass --model FILE.");
        Files.createDirectories(demo.getParent());
        Path partial = demo.resolveSibling(demo.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar",
                workerJar.toString(), "synth", "--shape", ModelChoice.DEMO_SHAPE, "--type", ModelChoice.DEMO_TYPE,
                "--vocab", vocab,
                "--seed", "1", "--out", partial.toString()));
        Path log = state.resolve("logs").resolve("synth.log");
        Files.createDirectories(log.getParent());
        Process synth = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!synth.waitFor(10, TimeUnit.MINUTES) || synth.exitValue() != 0) {
            synth.destroyForcibly();
            throw new IOException("generating the demo model failed; see " + log);
        }
        Files.move(partial, demo);
        return ModelChoice.demo(demo);
    }

    /** The demo's tokenizer: {@code --demo-vocab}, else {@code $QUANTA_DEMO_VOCAB}, else synth's byte-level one. */
    private String demoVocab() throws IOException {
        Path chosen = demoVocab;
        String fromEnv = System.getenv("QUANTA_DEMO_VOCAB");
        if (chosen == null && fromEnv != null && !fromEnv.isBlank()) {
            chosen = Path.of(fromEnv);
        }
        if (chosen == null) {
            return BYTE_VOCAB;
        }
        if (!Files.isRegularFile(chosen)) {
            throw new IOException("demo tokenizer " + chosen + " is not a file");
        }
        return chosen.toAbsolutePath().normalize().toString();
    }

    /** Waits until the gateway lists the worker's model in /v1/models: the whole path works. */
    private void awaitRouted(String servedName, String apiKey, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/v1/models"))
                .header("Authorization", "Bearer " + apiKey.split(",")[0].replaceFirst("^[A-Za-z0-9._-]+=", ""))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"" + servedName + "\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // gateway busy starting
            }
            Thread.sleep(500);
        }
        throw new IOException("the gateway did not list '" + servedName + "' within " + timeout.toSeconds()
                + " s; see the worker's and the gateway's logs");
    }

    private LocalDatabase openDatabase(Path state) throws Exception {
        String url = System.getenv("DATABASE_URL");
        if (url != null && !url.isBlank()) {
            return LocalDatabase.external(url, env("DATABASE_USER", "postgres"), env("DATABASE_PASSWORD", ""));
        }
        out.println("starting embedded PostgreSQL " + LocalDatabase.EMBEDDED_MAJOR + " (data in "
                + state.resolve("postgres") + ") ...");
        return LocalDatabase.embedded(state.resolve("postgres"), state.resolve("logs").resolve("postgres.log"));
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

    /** A component of the platform: its name, Maven module and port. */
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
                    + "); run ./mvnw -B -DskipTests package first");
        }
    }
}
