package dev.quanta.deploy.compose;

import static dev.quanta.deploy.Yamls.at;
import static dev.quanta.deploy.Yamls.list;
import static dev.quanta.deploy.Yamls.map;
import static dev.quanta.deploy.Yamls.str;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.deploy.BuildLayout;
import dev.quanta.deploy.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the Dockerfiles it builds, read as files (no Docker engine runs in CI): services, health
 * checks, start order, ports, volumes, secrets, and that each image is built from files that exist or that the
 * Maven build produces.
 */
class ComposeFileTest {

    /** compose service → (module, container port). */
    private static final Map<String, String> QUANTA_SERVICES = Map.of(
            "registry", "registry-service", "planner", "planner-service", "gateway", "gateway",
            "worker-1", "inference-worker", "worker-2", "inference-worker");
    private static final Map<String, Integer> PORTS = Map.of(
            "registry-service", 8081, "planner-service", 8082, "gateway", 8080, "inference-worker", 8090);
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Z0-9_]+:\\?[^}]+}");

    static Map<String, Object> compose;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        compose = (Map<String, Object>) new Yaml().load(Files.readString(RepoPaths.root().resolve("docker-compose.yml")));
    }

    static Map<String, Object> service(String name) {
        return map(compose, "services." + name);
    }

    @Test
    void runsPostgresTheThreeServicesAndTwoWorkers() {
        assertThat(map(compose, "services").keySet())
                .containsExactlyInAnyOrder("postgres", "registry", "planner", "gateway", "worker-1", "worker-2");
    }

    @Test
    void everyServiceHasAHealthCheckOnItsOwnPort() {
        SoftAssertions soft = new SoftAssertions();
        assertThat(String.join(" ", list(service("postgres"), "healthcheck.test").stream().map(Object::toString)
                .toList())).contains("pg_isready");
        QUANTA_SERVICES.forEach((name, module) -> {
            List<Object> test = list(service(name), "healthcheck.test");
            soft.assertThat(test).as(name).isNotEmpty();
            String command = String.join(" ", test.stream().map(Object::toString).toList());
            String path = module.equals("inference-worker") ? "/health" : "/actuator/health/readiness";
            soft.assertThat(command).as(name).contains("http://127.0.0.1:" + PORTS.get(module) + path);
            soft.assertThat(str(service(name), "healthcheck.start_period")).as(name).isNotNull();
        });
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0} waits for {1}")
    @CsvSource({
        "registry, postgres",
        "planner,  postgres registry",
        "gateway,  postgres registry planner",
        "worker-1, registry",
        "worker-2, registry",
    })
    void startsOnlyAfterItsDependenciesAreHealthy(String name, String dependencies) {
        Map<String, Object> dependsOn = map(service(name), "depends_on");
        assertThat(dependsOn.keySet()).containsExactlyInAnyOrder(dependencies.split(" "));
        for (String dependency : dependsOn.keySet()) {
            assertThat(str(dependsOn, dependency + ".condition")).isEqualTo("service_healthy");
            assertThat(map(service(dependency), "healthcheck")).as(dependency + " has a health check").isNotEmpty();
        }
    }

    @Test
    void onlyTheGatewayIsPublished() {
        map(compose, "services").keySet().stream().filter(s -> !s.equals("gateway"))
                .forEach(s -> assertThat(service(s)).as(s).doesNotContainKey("ports"));
        assertThat(list(service("gateway"), "ports")).singleElement().asString().endsWith(":8080")
                .startsWith("${QUANTA_GATEWAY_PORT:-8080}");
    }

    @Test
    void databaseOnANamedVolumeAndModelsMountedReadOnly() {
        assertThat(list(service("postgres"), "volumes")).containsExactly("pgdata:/var/lib/postgresql/data");
        assertThat(map(compose, "volumes")).containsKey("pgdata");
        for (String name : List.of("worker-1", "worker-2", "registry")) {
            assertThat(list(service(name), "volumes")).as(name).containsExactly("./models:/models:ro");
        }
        assertThat(lines(RepoPaths.root().resolve(".gitignore"))).contains("/models/");
    }

    @Test
    void quantaContainersRunReadOnlyWithATmpfsAsInTheChart() {
        QUANTA_SERVICES.keySet().forEach(name -> {
            assertThat(at(service(name), "read_only")).as(name).isEqualTo(true);
            assertThat(list(service(name), "cap_drop")).as(name).containsExactly("ALL");
            assertThat(list(service(name), "tmpfs")).as(name).singleElement().asString().startsWith("/tmp");
        });
        // The worker loads its native kernels from java.io.tmpdir: Docker mounts a tmpfs noexec unless told.
        assertThat(list(service("worker-1"), "tmpfs")).containsExactly("/tmp:exec");
    }

    @Test
    void secretsComeFromTheEnvironmentAndAreRequired() {
        SoftAssertions soft = new SoftAssertions();
        for (String name : map(compose, "services").keySet()) {
            map(service(name), "environment").forEach((key, value) -> {
                if (key.matches(".*(PASSWORD|TOKEN|API_KEYS).*")) {
                    // Only required ${VAR:?...} interpolations, at most labelled ("worker-1=${...},...").
                    String text = String.valueOf(value);
                    soft.assertThat(REQUIRED_VARIABLE.matcher(text).find()).as(name + " " + key + " " + text).isTrue();
                    soft.assertThat(REQUIRED_VARIABLE.matcher(text).replaceAll("")).as(name + " " + key)
                            .matches("([a-z0-9-]+=)?(,[a-z0-9-]+=)*");
                }
            });
        }
        soft.assertAll();
        String example = read(RepoPaths.root().resolve(".env.example"));
        for (String variable : List.of("POSTGRES_PASSWORD", "QUANTA_ADMIN_TOKEN", "QUANTA_WORKER1_TOKEN",
                "QUANTA_WORKER2_TOKEN", "QUANTA_API_KEYS")) {
            assertThat(example).as(".env.example leaves " + variable + " empty").containsPattern(
                    "(?m)^" + variable + "=$");
        }
        assertThat(lines(RepoPaths.root().resolve(".gitignore"))).contains("/.env");
    }

    @Test
    void servicesAreConfiguredByTheEnvironmentConventions() {
        for (String name : List.of("registry", "planner", "gateway")) {
            assertThat(map(service(name), "environment")).as(name)
                    .containsEntry("DATABASE_URL", "jdbc:postgresql://postgres:5432/quanta")
                    .containsKeys("DATABASE_USER", "DATABASE_PASSWORD", "QUANTA_ADMIN_TOKEN");
        }
        assertThat(map(service("gateway"), "environment")).containsEntry("QUANTA_REGISTRY_URL", "http://registry:8081")
                .containsEntry("QUANTA_PLANNER_URL", "http://planner:8082").containsKey("QUANTA_API_KEYS");
        String registryTokens = str(service("registry"), "environment.QUANTA_WORKER_TOKENS");
        for (String worker : List.of("worker-1", "worker-2")) {
            // Its lease id, its own credential (the registry admits that id with it) and the address it announces.
            assertThat(map(service(worker), "environment")).containsEntry("QUANTA_REGISTRY_URL", "http://registry:8081")
                    .containsEntry("QUANTA_WORKER_WORKERID", worker);
            String token = str(service(worker), "environment.QUANTA_WORKER_TOKEN");
            assertThat(registryTokens).contains(worker + "=" + token);
            assertThat(list(service(worker), "command")).startsWith("serve", "--model").contains("--port", "8090")
                    .containsSubsequence("--advertised-url", "http://" + worker + ":8090");
        }
        assertThat(str(service("worker-1"), "environment.QUANTA_WORKER_TOKEN"))
                .isNotEqualTo(str(service("worker-2"), "environment.QUANTA_WORKER_TOKEN"));
    }

    @Test
    void everyBuildContextAndDockerfileExists() {
        QUANTA_SERVICES.forEach((name, module) -> {
            Path context = RepoPaths.root().resolve(str(service(name), "build.context")).normalize();
            assertThat(context).as(name).isEqualTo(RepoPaths.root());
            assertThat(context.resolve(str(service(name), "build.dockerfile"))).as(name)
                    .isEqualTo(RepoPaths.root().resolve(module).resolve("Dockerfile")).isRegularFile();
            assertThat(str(service(name), "image")).as(name).startsWith("quanta/" + module + ":");
        });
    }

    @ParameterizedTest
    @CsvSource({"registry-service", "planner-service", "gateway", "inference-worker"})
    void dockerfileBuildsWithTheJdkAndRunsOnTheJreAsANonRootUser(String module) throws IOException {
        Dockerfile file = Dockerfile.read(RepoPaths.root().resolve(module).resolve("Dockerfile"));
        assertThat(file.stages()).hasSize(2);
        Dockerfile.Stage build = file.stage("build");
        assertThat(build.image()).matches("eclipse-temurin:25-jdk-[a-z]+");
        assertThat(file.runtime().image()).matches("eclipse-temurin:25-jre-[a-z]+");
        String user = file.runtime().all("USER").getLast().args();
        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(file.runtime().all("HEALTHCHECK")).singleElement()
                .satisfies(h -> assertThat(h.args()).contains("127.0.0.1:" + (module.equals("registry-service")
                        || module.equals("planner-service") || module.equals("gateway") ? "${SERVER_PORT}"
                        : String.valueOf(PORTS.get(module)))));
        assertThat(file.runtime().all("EXPOSE")).singleElement().extracting(Dockerfile.Instruction::args)
                .isEqualTo(String.valueOf(PORTS.get(module)));
        if (!module.equals("inference-worker")) {
            assertThat(file.runtime().all("ENV").getFirst().args()).contains("SERVER_PORT=" + PORTS.get(module));
        }
        if (module.equals("inference-worker")) {
            // The kernels module's Maven build compiles the C kernels.
            assertThat(build.all("RUN").getFirst().args()).contains("gcc").contains("make");
        }
    }

    @ParameterizedTest
    @CsvSource({"registry-service", "planner-service", "gateway", "inference-worker"})
    void everyFileADockerfileCopiesExistsOrIsBuilt(String module) throws IOException {
        Dockerfile file = Dockerfile.read(RepoPaths.root().resolve(module).resolve("Dockerfile"));
        List<String> ignored = Files.readAllLines(RepoPaths.root().resolve(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        // Build stage: the whole reactor from the context; what Maven needs must not be ignored.
        Dockerfile.Stage build = file.stage("build");
        assertThat(build.all("COPY")).extracting(Dockerfile.Instruction::args).containsExactly(". .");
        assertThat(ignored).doesNotContain(module, "*", ".");
        for (String needed : List.of("pom.xml", "mvnw", ".mvn/wrapper/maven-wrapper.properties", module + "/pom.xml",
                module + "/src/main")) {
            assertThat(RepoPaths.root().resolve(needed)).as(needed).exists();
            assertThat(ignored).as(needed + " reaches the build").noneMatch(p -> needed.equals(p)
                    || needed.startsWith(p + "/"));
        }
        assertThat(ignored).contains("**/target", ".git", ".env");
        // The build's RUN copies the module's runnable jar, by the name the POMs give it, to /out/app.jar ...
        String run = build.all("RUN").getLast().args();
        assertThat(run).contains("./mvnw").contains("-pl " + module + " -am package")
                .contains("cp " + BuildLayout.runnableJarGlob(module) + " /out/app.jar");
        // ... which is what the runtime stage copies from the build stage and runs; anything else it copies comes
        // from the context and exists there.
        String jar = null;
        for (Dockerfile.Instruction copy : file.runtime().all("COPY")) {
            Matcher fromBuild = Pattern.compile("--from=build (\\S+) (\\S+)").matcher(copy.args());
            if (fromBuild.matches()) {
                assertThat(fromBuild.group(1)).isEqualTo("/out/app.jar");
                jar = fromBuild.group(2);
            } else {
                String source = copy.args().split("\\s+")[0];
                assertThat(RepoPaths.root().resolve(source)).as(copy.args()).isRegularFile().isExecutable();
                assertThat(ignored).as(source + " reaches the build").noneMatch(p -> source.startsWith(p));
            }
        }
        assertThat(jar).as("the runnable jar is copied from the build stage").isNotNull();
        String entrypoint = file.runtime().all("ENTRYPOINT").getFirst().args();
        if (entrypoint.contains("\"-jar\"")) {
            assertThat(entrypoint).contains("\"-jar\", \"" + jar + "\"");
        } else {
            // an entrypoint script copied from the module: it runs the same jar
            String script = entrypoint.replaceAll("[\\[\\]\"]", "").strip();
            String copied = file.runtime().all("COPY").stream().map(Dockerfile.Instruction::args)
                    .filter(a -> a.endsWith(" " + script)).findFirst().orElseThrow().split("\\s+")[0];
            assertThat(read(RepoPaths.root().resolve(copied))).contains("-jar " + jar);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        return read(file).lines().toList();
    }
}
