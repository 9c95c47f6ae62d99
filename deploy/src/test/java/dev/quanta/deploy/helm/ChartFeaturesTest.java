package dev.quanta.deploy.helm;

import static dev.quanta.deploy.Yamls.at;
import static dev.quanta.deploy.Yamls.list;
import static dev.quanta.deploy.Yamls.map;
import static dev.quanta.deploy.Yamls.maps;
import static dev.quanta.deploy.Yamls.str;
import static dev.quanta.deploy.Yamls.strings;
import static dev.quanta.deploy.helm.ChartRenderer.render;
import static dev.quanta.deploy.helm.Rendered.allContainers;
import static dev.quanta.deploy.helm.Rendered.containers;
import static dev.quanta.deploy.helm.Rendered.podLabels;
import static dev.quanta.deploy.helm.Rendered.podSpec;
import static dev.quanta.deploy.helm.ValueSets.testValues;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each value set switches on or off, the schema's refusals, lint, and secrets kept across upgrades. */
class ChartFeaturesTest {

    private static final String P = ChartRenderer.RELEASE + "-";

    @AfterEach
    void forgetSecrets() {
        ChartRenderer.api().clearSecrets();
    }

    static Map<String, String> env(Map<String, Object> container) {
        return maps(container, "env").stream().filter(e -> e.get("value") != null)
                .collect(Collectors.toMap(e -> str(e, "name"), e -> str(e, "value")));
    }

    static Map<String, Object> container(Rendered r, String deployment) {
        return containers(r.get("Deployment", P + deployment)).getFirst();
    }

    static Map<String, Object> worker(Rendered r) {
        return r.get("StatefulSet", P + "worker");
    }

    static String decode(Map<String, Object> secret, String key) {
        return new String(Base64.getDecoder().decode(str(secret, "data." + key)), StandardCharsets.UTF_8);
    }

    @Test
    void lintsStrictWithoutWarnings() {
        LintResult result = ChartRenderer.lintStrict();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void defaultsDeployEveryComponentWithAnInChartDatabase() {
        Rendered r = render();
        assertThat(r.ofKind("Deployment")).extracting(Rendered::name)
                .containsExactlyInAnyOrder(P + "registry", P + "planner", P + "gateway");
        assertThat(r.ofKind("StatefulSet")).extracting(Rendered::name)
                .containsExactlyInAnyOrder(P + "postgresql", P + "worker");
        for (String service : List.of("registry", "planner", "gateway")) {
            assertThat(str(r.get("ConfigMap", P + service), "data.DATABASE_URL")).as(service)
                    .isEqualTo("jdbc:postgresql://" + P + "postgresql:5432/quanta");
        }
        assertThat(str(r.get("ConfigMap", P + "planner"), "data.QUANTA_REGISTRY_URL")).isEqualTo("http://" + P
                + "registry:8081");
        assertThat(r.ofKind("NetworkPolicy")).isEmpty();
        assertThat(r.ofKind("ServiceMonitor")).isEmpty();
        // The gateway scales on CPU; workers have no HPA unless asked.
        assertThat(r.ofKind("HorizontalPodAutoscaler")).extracting(Rendered::name).containsExactly(P + "gateway");
        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", P + "gateway");
        assertThat(str(hpa, "spec.metrics")).contains("cpu").contains("Utilization");
    }

    @Test
    void workersServeTheModelFromAReadOnlySharedVolumeAndCarryTheInferenceExtensionLabel() {
        Rendered r = render();
        Map<String, Object> worker = worker(r);
        assertThat(podLabels(worker)).containsEntry("inference.networking.k8s.io/engine-type", "vllm");
        Map<String, Object> c = containers(worker).getFirst();
        assertThat(list(c, "args")).containsExactly("serve", "--model", "/models/model.gguf", "--port", "8090",
                "--advertised-url", "http://$(POD_IP):8090", "--metrics-port", "9090");
        assertThat(str(maps(c, "env").stream().filter(e -> "POD_IP".equals(e.get("name"))).findFirst().orElseThrow(),
                "valueFrom.fieldRef.fieldPath")).isEqualTo("status.podIP");
        Map<String, Object> models = maps(podSpec(worker), "volumes").stream()
                .filter(v -> "models".equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(str(models, "persistentVolumeClaim.claimName")).isEqualTo(P + "models");
        assertThat(at(models, "persistentVolumeClaim.readOnly")).isEqualTo(true);
        assertThat(list(r.get("PersistentVolumeClaim", P + "models"), "spec.accessModes"))
                .containsExactly("ReadWriteMany");
        assertThat(maps(podSpec(worker), "initContainers")).isEmpty();
        // The registry imports from the same volume, read-only.
        Map<String, Object> registry = r.get("Deployment", P + "registry");
        assertThat(maps(podSpec(registry), "volumes")).anyMatch(v -> "models".equals(v.get("name")));
    }

    @Test
    void downloadModeFetchesTheModelInAnInitContainerIntoAnEmptyDir() {
        Rendered r = render(testValues("model-download.yaml"));
        Map<String, Object> worker = worker(r);
        Map<String, Object> init = maps(podSpec(worker), "initContainers").getFirst();
        assertThat(env(init)).containsEntry("MODEL_URL", "https://models.example.com/tiny.gguf")
                .containsEntry("MODEL_FILE", "tiny.gguf");
        assertThat(String.join("\n", list(init, "args").stream().map(Object::toString).toList()))
                .contains("curl -fL").contains("sha256sum -c");
        assertThat(maps(init, "volumeMounts")).anyMatch(m -> "/models".equals(m.get("mountPath"))
                && m.get("readOnly") == null);
        Map<String, Object> models = maps(podSpec(worker), "volumes").stream()
                .filter(v -> "models".equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(str(models, "emptyDir.sizeLimit")).isEqualTo("1Gi");
        assertThat(list(containers(worker).getFirst(), "args")).contains("/models/tiny.gguf", "--served-model-name",
                "tiny");
        assertThat(r.ofKind("PersistentVolumeClaim")).isEmpty();
    }

    @Test
    void externalDatabaseReplacesTheStatefulSet() {
        Rendered r = render(testValues("external-database.yaml"));
        assertThat(r.find("StatefulSet", P + "postgresql")).isEmpty();
        assertThat(r.find("Service", P + "postgresql")).isEmpty();
        for (String service : List.of("registry", "planner")) {
            assertThat(strings(r.get("ConfigMap", P + service), "data"))
                    .containsEntry("DATABASE_URL", "jdbc:postgresql://db.example.internal:5432/quanta?sslmode=require")
                    .containsEntry("DATABASE_USER", "quanta_app");
        }
        assertThat(decode(r.get("Secret", P + "database"), "password")).isEqualTo("external-db-password");
    }

    @Test
    void inChartDatabaseUsesTheGivenPasswordAndStorage() {
        Rendered r = render(testValues("in-chart-database.yaml"));
        Map<String, Object> sts = r.get("StatefulSet", P + "postgresql");
        assertThat(str(sts, "spec.volumeClaimTemplates")).contains("fast-ssd").contains("20Gi");
        assertThat(decode(r.get("Secret", P + "postgresql"), "password")).isEqualTo("in-chart-db-password");
        for (String service : List.of("registry", "planner", "gateway")) {
            Map<String, Object> password = maps(container(r, service), "env").stream()
                    .filter(e -> "DATABASE_PASSWORD".equals(e.get("name"))).findFirst().orElseThrow();
            assertThat(str(password, "valueFrom.secretKeyRef.name")).as(service).isEqualTo(P + "postgresql");
        }
    }

    @Test
    void existingSecretsAreUsedAndNoSecretIsRendered() {
        Rendered r = render(testValues("existing-secrets.yaml"));
        assertThat(r.ofKind("Secret")).isEmpty();
        Map<String, String> refs = r.workloads().stream().flatMap(w -> allContainers(w).stream())
                .flatMap(c -> maps(c, "env").stream()).filter(e -> at(e, "valueFrom.secretKeyRef") != null)
                .collect(Collectors.toMap(e -> str(e, "name"), e -> str(e, "valueFrom.secretKeyRef.name") + "/"
                        + str(e, "valueFrom.secretKeyRef.key"), (a, b) -> {
                            assertThat(a).isEqualTo(b);
                            return a;
                        }));
        assertThat(refs).containsExactlyInAnyOrderEntriesOf(Map.of(
                "DATABASE_PASSWORD", "team-db/db-password",
                "QUANTA_ADMIN_TOKEN", "team-auth/admin",
                "QUANTA_WORKER_TOKENS", "team-worker-tokens/registry-entries",
                "QUANTA_API_KEYS", "team-api-keys/keys"));
        assertThat(maps(podSpec(worker(r)), "volumes")).anyMatch(v -> "team-worker-tokens".equals(
                str(v, "secret.secretName")));
    }

    @Test
    void eachWorkerPodHasItsOwnCredentialAndTheRegistryKnowsEveryOne() {
        Rendered r = render(testValues("hpa-workers.yaml"));
        Map<String, Object> secret = r.get("Secret", P + "worker-tokens");
        List<String> ids = java.util.stream.IntStream.range(0, 12).mapToObj(i -> P + "worker-" + i).toList();
        assertThat(map(secret, "data").keySet()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(ids.stream(), java.util.stream.Stream.of("registry-entries")).toList());
        String entries = decode(secret, "registry-entries");
        assertThat(entries.split(",")).hasSize(12);
        for (String id : ids) {
            assertThat(entries).contains(id + "=" + decode(secret, id));
        }
        assertThat(ids.stream().map(id -> decode(secret, id)).distinct()).hasSize(12);
        Map<String, Object> c = containers(worker(r)).getFirst();
        assertThat(env(c)).containsEntry("QUANTA_WORKER_WORKERID", "$(POD_NAME)")
                .containsEntry("QUANTA_WORKER_TOKEN_FILE", "/etc/quanta/worker-tokens/$(POD_NAME)");
        Map<String, Object> volume = maps(podSpec(worker(r)), "volumes").stream()
                .filter(v -> "worker-tokens".equals(v.get("name"))).findFirst().orElseThrow();
        assertThat(maps(volume, "secret.items")).extracting(i -> i.get("key")).containsExactlyElementsOf(ids);
        Map<String, Object> registryEnv = maps(container(r, "registry"), "env").stream()
                .filter(e -> "QUANTA_WORKER_TOKENS".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(str(registryEnv, "valueFrom.secretKeyRef.name")).isEqualTo(P + "worker-tokens");
        assertThat(str(registryEnv, "valueFrom.secretKeyRef.key")).isEqualTo("registry-entries");
    }

    @Test
    void generatedSecretsAreKeptFromTheClusterAcrossUpgrades() {
        Rendered fresh = render();
        String generated = decode(fresh.get("Secret", P + "auth"), "admin-token");
        assertThat(generated).hasSize(40).matches("[A-Za-z0-9]+");
        ChartRenderer.api().putSecret(ChartRenderer.NAMESPACE, P + "auth", Map.of("admin-token", "kept-admin-token"));
        ChartRenderer.api().putSecret(ChartRenderer.NAMESPACE, P + "postgresql", Map.of("password", "kept-db"));
        ChartRenderer.api().putSecret(ChartRenderer.NAMESPACE, P + "worker-tokens",
                Map.of(P + "worker-0", "kept-w0", P + "worker-1", "kept-w1"));
        Rendered upgrade = render();
        assertThat(decode(upgrade.get("Secret", P + "auth"), "admin-token")).isEqualTo("kept-admin-token");
        assertThat(decode(upgrade.get("Secret", P + "postgresql"), "password")).isEqualTo("kept-db");
        assertThat(decode(upgrade.get("Secret", P + "worker-tokens"), "registry-entries"))
                .isEqualTo(P + "worker-0=kept-w0," + P + "worker-1=kept-w1");
        assertThat(ChartRenderer.api().requests()).contains("GET /api/v1/namespaces/" + ChartRenderer.NAMESPACE
                + "/secrets/" + P + "auth");
    }

    @Test
    void changedConfigurationChangesThePodChecksum() {
        String before = str(render().get("Deployment", P + "gateway"), "spec.template.metadata.annotations");
        String after = str(render(Map.of("gateway.workers.static[0].model", "m",
                "gateway.workers.static[0].url", "http://w:8090")).get("Deployment", P + "gateway"),
                "spec.template.metadata.annotations");
        String beforeConfig = before.replaceAll(".*checksum/config=([0-9a-f]+).*", "$1");
        String afterConfig = after.replaceAll(".*checksum/config=([0-9a-f]+).*", "$1");
        assertThat(afterConfig).isNotEqualTo(beforeConfig);
    }

    @Test
    void staticWorkersReachTheGatewayAsItsStaticWorkersList() {
        Rendered r = render(testValues("components-off.yaml"));
        // Spring's relaxed binding of quanta.gateway.discovery.static-workers[i].model / .url
        assertThat(strings(r.get("ConfigMap", P + "gateway"), "data"))
                .containsEntry("QUANTA_GATEWAY_DISCOVERY_STATICWORKERS_0_MODEL", "llama-3.2-1b")
                .containsEntry("QUANTA_GATEWAY_DISCOVERY_STATICWORKERS_0_URL", "http://worker-a.example.internal:8090")
                .containsEntry("QUANTA_GATEWAY_DISCOVERY_STATICWORKERS_1_MODEL", "qwen2.5-0.5b")
                .containsEntry("QUANTA_GATEWAY_DISCOVERY_STATICWORKERS_1_URL", "http://worker-b.example.internal:8090");
        assertThat(r.ofKind("Deployment")).extracting(Rendered::name).containsExactly(P + "gateway");
        assertThat(r.ofKind("StatefulSet")).extracting(Rendered::name).containsExactly(P + "worker");
        assertThat(strings(render().get("ConfigMap", P + "gateway"), "data"))
                .noneSatisfy((k, v) -> assertThat(k).startsWith("QUANTA_GATEWAY_DISCOVERY_STATICWORKERS"));
    }

    @Test
    void autoscalingOffPinsReplicas() {
        Rendered r = render(testValues("hpa-off.yaml"));
        assertThat(r.ofKind("HorizontalPodAutoscaler")).isEmpty();
        assertThat(at(r.get("Deployment", P + "gateway"), "spec.replicas")).isEqualTo(3);
        assertThat(at(worker(r), "spec.replicas")).isEqualTo(4);
    }

    @Test
    void workerAutoscalingReadsQueuedRequestsThroughCustomMetrics() {
        Rendered r = render(testValues("hpa-workers.yaml"));
        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", P + "worker");
        Map<String, Object> metric = maps(hpa, "spec.metrics").getFirst();
        assertThat(metric.get("type")).isEqualTo("Pods");
        assertThat(str(metric, "pods.metric.name")).isEqualTo("vllm:num_requests_waiting");
        assertThat(str(metric, "pods.target.type")).isEqualTo("AverageValue");
        assertThat(str(metric, "pods.target.averageValue")).isEqualTo("3");
        assertThat(at(hpa, "spec.maxReplicas")).isEqualTo(12);
        assertThat(map(worker(r), "spec")).doesNotContainKey("replicas");
        assertThat(str(hpa, "spec.scaleTargetRef.kind")).isEqualTo("StatefulSet");
    }

    @Test
    void networkPoliciesAdmitOnlyTheIntendedPeers() {
        Rendered r = render(testValues("network-policies.yaml"));
        Map<String, Object> worker = r.get("NetworkPolicy", P + "worker");
        List<Map<String, Object>> rules = maps(worker, "spec.ingress");
        assertThat(rules).hasSize(2);
        // API port: the gateway's pods only.
        assertThat(maps(rules.get(0), "from")).singleElement().satisfies(peer -> assertThat(
                r.workloadsSelectedBy(strings(peer, "podSelector.matchLabels"))).extracting(Rendered::name)
                .containsExactly(P + "gateway"));
        assertThat(maps(rules.get(0), "ports")).extracting(p -> p.get("port")).containsExactly("http");
        // Metrics: the monitoring namespace (which, on the shared port, is the API port: see values.yaml).
        assertThat(strings(maps(rules.get(1), "from").getFirst(), "namespaceSelector.matchLabels"))
                .containsEntry("kubernetes.io/metadata.name", "observability");
        // The database: registry, planner and the gateway (its shared limit counters) only.
        List<Map<String, Object>> db = maps(maps(r.get("NetworkPolicy", P + "postgresql"), "spec.ingress").getFirst(),
                "from");
        assertThat(db.stream().flatMap(p -> r.workloadsSelectedBy(strings(p, "podSelector.matchLabels")).stream())
                .map(Rendered::name)).containsExactlyInAnyOrder(P + "registry", P + "planner", P + "gateway");
        assertThat(db).noneMatch(p -> p.containsKey("namespaceSelector"));
        assertThat(r.find("NetworkPolicy", P + "gateway")).as("the gateway is the public entry").isEmpty();
    }

    @Test
    void aSeparateMetricsPortKeepsTheWorkerApiToTheGateway() {
        Rendered r = render(testValues("separate-metrics-port.yaml"));
        List<Map<String, Object>> rules = maps(r.get("NetworkPolicy", P + "worker"), "spec.ingress");
        assertThat(rules).filteredOn(rule -> maps(rule, "ports").stream().anyMatch(p -> "http".equals(p.get("port"))))
                .singleElement().satisfies(rule -> assertThat(maps(rule, "from")).singleElement()
                        .satisfies(peer -> assertThat(peer).containsOnlyKeys("podSelector")));
        assertThat(rules).filteredOn(rule -> maps(rule, "from").stream().anyMatch(p -> p.containsKey("namespaceSelector")))
                .singleElement().satisfies(rule -> assertThat(maps(rule, "ports")).extracting(p -> p.get("port"))
                        .containsExactly("metrics"));
        Map<String, Object> monitor = r.get("ServiceMonitor", P + "worker");
        assertThat(str(maps(monitor, "spec.endpoints").getFirst(), "port")).isEqualTo("metrics");
        assertThat(maps(r.get("Service", P + "worker"), "spec.ports")).extracting(p -> p.get("name"))
                .containsExactly("http", "metrics");
        assertThat(list(containers(worker(r)).getFirst(), "args")).containsSubsequence("--metrics-port", "9090");
    }

    @Test
    void serviceMonitorScrapesTheWorkersServiceAndMatchesTheCrd() throws Exception {
        Rendered r = render(testValues("service-monitor.yaml"));
        Map<String, Object> monitor = r.get("ServiceMonitor", P + "worker");
        assertThat(OpenApiSchema.violations(ChartInvariantsTest.serviceMonitorSchema(), monitor)).isEmpty();
        assertThat(strings(monitor, "metadata.labels")).containsEntry("release", "kube-prometheus-stack");
        List<Map<String, Object>> services = r.ofKind("Service").stream()
                .filter(s -> selects(map(monitor, "spec.selector"), strings(s, "metadata.labels"))).toList();
        assertThat(services).extracting(Rendered::name).containsExactly(P + "worker");
        Map<String, Object> endpoint = maps(monitor, "spec.endpoints").getFirst();
        assertThat(maps(services.getFirst(), "spec.ports")).extracting(p -> p.get("name")).contains(str(endpoint, "port"));
        assertThat(endpoint).containsEntry("path", "/metrics").containsEntry("interval", "30s");
        assertThat(list(monitor, "spec.namespaceSelector.matchNames")).containsExactly(ChartRenderer.NAMESPACE);
    }

    /** A LabelSelector (matchLabels, and matchExpressions with Exists/DoesNotExist/In/NotIn) against labels. */
    static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        if (!labels.entrySet().containsAll(strings(selector, "matchLabels").entrySet())) {
            return false;
        }
        for (Map<String, Object> e : maps(selector, "matchExpressions")) {
            String key = str(e, "key");
            List<Object> values = list(e, "values");
            boolean ok = switch (str(e, "operator")) {
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                default -> throw new AssertionError("unknown operator in " + e);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theCrdValidatorRejectsWhatTheOperatorWould() throws Exception {
        Map<String, Object> schema = ChartInvariantsTest.serviceMonitorSchema();
        Map<String, Object> bad = Map.of("apiVersion", "monitoring.coreos.com/v1", "kind", "ServiceMonitor",
                "metadata", Map.of("name", "x"),
                "spec", Map.of("endpoints", List.of(Map.of("port", "http", "interval", "15 seconds", "sceme", "http"))));
        assertThat(OpenApiSchema.violations(schema, bad)).containsExactlyInAnyOrder(
                "$.spec: missing required field selector",
                "$.spec.endpoints[0].interval: 15 seconds does not match "
                        + "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
                "$.spec.endpoints[0].sceme: unknown field");
    }

    @Test
    void theKubernetesValidatorRejectsAMisspelledField() {
        Map<String, Object> deployment = Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "x"),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("a", "b")),
                        "template", Map.of("spec", Map.of("containers", List.of(Map.of("name", "c", "imagee", "i"))))));
        assertThatThrownBy(() -> KubernetesSchemas.validate(deployment)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("imagee");
    }

    @Test
    void theInvariantChecksCatchAWeakenedChart() {
        assertThatThrownBy(() -> ChartInvariantsTest.checkLockedDown(
                render(Map.of("containerSecurityContext.readOnlyRootFilesystem", "false"))))
                .hasMessageContaining("readOnlyRootFilesystem").hasMessageContaining(P + "worker");
        assertThatThrownBy(() -> ChartInvariantsTest.checkLockedDown(
                render(Map.of("podSecurityContext.seccompProfile.type", "Unconfined"))))
                .hasMessageContaining("RuntimeDefault");
        // A startup probe too short for loading a model.
        assertThatThrownBy(() -> ChartInvariantsTest.checkProbes(
                render(Map.of("worker.startupProbe.failureThreshold", "6"))))
                .hasMessageContaining("startup budget");
    }

    @Test
    void theSchemaRejectsBadValues() {
        assertThatThrownBy(() -> render(Map.of("gatway.replicaCount", "2"))).hasMessageContaining("gatway");
        assertThatThrownBy(() -> render(Map.of("postgresql.enabled", "false")))
                .hasMessageContaining("externalDatabase");
        assertThatThrownBy(() -> render(Map.of("worker.modelStorage.type", "download"))).hasMessageContaining("url");
        assertThatThrownBy(() -> render(Map.of("image.pullPolicy", "Sometimes"))).hasMessageContaining("pullPolicy");
        assertThatThrownBy(() -> render(Map.of("worker.model.file", "../etc/passwd"))).hasMessageContaining("file");
        assertThatThrownBy(() -> render(Map.of("worker.model.servedName", "Llama 3"))).hasMessageContaining("servedName");
        assertThatThrownBy(() -> render(Map.of("gateway.workers.static[0].model", "m"))).hasMessageContaining("url");
    }
}
