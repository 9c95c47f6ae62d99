package dev.quanta.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README command (1) end to end: {@code bin/quanta up} with no DATABASE_URL starts an embedded PostgreSQL
 * and the registry; a profile POSTed to it is still there after the platform is stopped (SIGTERM, as
 * Ctrl-C) and started again.
 */
class LauncherUpIT {

    private static final String TOKEN = "launcher-it-token";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;

    @Test
    void profilesSurviveARestartOfTheLocalPlatform() throws Exception {
        int port = freePort();
        String base = "http://127.0.0.1:" + port;

        Process first = startPlatform(port);
        try {
            String body = """
                    {"key":"launcher-it-8b","name":"Launcher-IT-8B","family":"llama","architecture":"llama",
                     "parametersBillions":8.03,"layers":32,"hiddenSize":4096,"attentionHeads":32,"kvHeads":8,
                     "headDim":128,"contextLength":131072,"vocabSize":128256}""";
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/models"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(get(base + "/models/launcher-it-8b").body()).contains("Launcher-IT-8B");
        } finally {
            stop(first);
        }
        assertThat(portAnswers(port)).as("registry stopped with the platform").isFalse();

        Process second = startPlatform(port);
        try {
            HttpResponse<String> again = get(base + "/models/launcher-it-8b");
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("Launcher-IT-8B").contains("\"kvHeads\":8");
        } finally {
            stop(second);
        }
    }

    private Process startPlatform(int registryPort) throws Exception {
        Path home = Path.of("..").toRealPath();
        Path jar = launcherJar(home);
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "up", "--home", home.toString(),
                "--state-dir", state.toString(), "--registry-port", Integer.toString(registryPort),
                "--without", "planner", "--models-dir", state.resolve("models").toString())
                .redirectErrorStream(true);
        builder.environment().remove("DATABASE_URL");
        builder.environment().put("QUANTA_ADMIN_TOKEN", TOKEN);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Boolean> up = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean ready = false;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    ready |= line.startsWith("Press Ctrl-C to stop.");
                    if (ready) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        Boolean ready = up.get(300, TimeUnit.SECONDS);
        synchronized (output) {
            assertThat(ready).as("bin/quanta up printed:%n%s%nregistry log:%n%s", output, log("registry"))
                    .isTrue();
            assertThat(output).contains("embedded").contains("registry").contains("http://127.0.0.1:" + registryPort);
        }
        // keep draining so the child never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // process ended
            }
        });
        return process;
    }

    private String log(String service) {
        try {
            Path log = state.resolve("logs").resolve(service + ".log");
            if (!Files.exists(log)) {
                return "(no log)";
            }
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM, as Ctrl-C: the launcher's shutdown hook stops the services and PostgreSQL
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/quanta up did not stop within 90 s of SIGTERM");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path launcherJar(Path home) throws IOException {
        try (var files = Files.list(home.resolve("launcher/target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("launcher exec jar not built"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean portAnswers(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
