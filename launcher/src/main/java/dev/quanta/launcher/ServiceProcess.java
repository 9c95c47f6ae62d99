package dev.quanta.launcher;

import java.io.IOException;
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

/** One platform service run as a child JVM, its output in a log file, ready when its readiness probe answers. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Path logFile;
    private final Process process;
    private final String readinessPath;

    private ServiceProcess(String name, int port, Path logFile, Process process, String readinessPath) {
        this.name = name;
        this.port = port;
        this.logFile = logFile;
        this.process = process;
        this.readinessPath = readinessPath;
    }

    /** A Spring service: {@code java <flags> <javaOptions> -jar jar}, ready when its actuator readiness says so. */
    static ServiceProcess start(String name, Path jar, List<String> javaOptions, int port, Map<String, String> env,
            Path logFile) throws IOException {
        return start(name, jar, javaOptions, List.of(), port, env, logFile, "/actuator/health/readiness");
    }

    /**
     * Starts {@code java <flags> <javaOptions> -jar jar <args>} with {@code env} added to this process's
     * environment; ready when {@code GET readinessPath} answers 200.
     */
    static ServiceProcess start(String name, Path jar, List<String> javaOptions, List<String> args, int port,
            Map<String, String> env, Path logFile, String readinessPath) throws IOException {
        Files.createDirectories(logFile.getParent());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        return new ServiceProcess(name, port, logFile, builder.start(), readinessPath);
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path logFile() {
        return logFile;
    }

    /** Waits until the readiness path answers 200, the process dies, or {@code timeout} passes. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + readinessPath))
                .timeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with code " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException(name + " was not ready within " + timeout.toSeconds() + " s; see " + logFile);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the service to stop (SIGTERM: Spring shuts down gracefully), then kills it after 15 s. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
