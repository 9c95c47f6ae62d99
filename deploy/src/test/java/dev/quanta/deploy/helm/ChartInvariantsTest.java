package dev.quanta.deploy.helm;

import static dev.quanta.deploy.Yamls.at;
import static dev.quanta.deploy.Yamls.list;
import static dev.quanta.deploy.Yamls.map;
import static dev.quanta.deploy.Yamls.maps;
import static dev.quanta.deploy.Yamls.str;
import static dev.quanta.deploy.Yamls.strings;
import static dev.quanta.deploy.helm.Rendered.allContainers;
import static dev.quanta.deploy.helm.Rendered.containers;
import static dev.quanta.deploy.helm.Rendered.name;
import static dev.quanta.deploy.helm.Rendered.podLabels;
import static dev.quanta.deploy.helm.Rendered.podSpec;
import static dev.quanta.deploy.helm.Rendered.portNames;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * What must hold for every value set (defaults, tests' values/, the chart's examples): each rendered object valid
 * against its schema, standard labels, locked-down pods, probes on the actuator groups, selectors that select the
 * pods they mean, NetworkPolicy peers that select real pods, and references to objects that exist.
 */
class ChartInvariantsTest {

    private static final Map<String, Rendered> CACHE = new HashMap<>();
    private static final Set<String> QUANTA_COMPONENTS = Set.of("registry", "planner", "gateway", "worker");

    static synchronized Rendered rendered(String label, List<Path> files) {
        return CACHE.computeIfAbsent(label, l -> ChartRenderer.render(files.toArray(Path[]::new)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> serviceMonitorSchema() throws IOException {
        try (InputStream in = ChartInvariantsTest.class.getResourceAsStream(
                "/crds/servicemonitors.monitoring.coreos.com.v1.subset.yaml")) {
            return (Map<String, Object>) new Yaml().load(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void everyObjectMatchesItsSchema(String label, List<Path> files) throws IOException {
        Rendered r = rendered(label, files);
        assertThat(r.objects()).isNotEmpty();
        Map<String, Object> crd = serviceMonitorSchema();
        for (Map<String, Object> object : r.objects()) {
            if ("monitoring.coreos.com/v1".equals(object.get("apiVersion"))) {
                assertThat(object.get("kind")).isEqualTo("ServiceMonitor");
                assertThat(OpenApiSchema.violations(crd, object)).as(name(object)).isEmpty();
            } else {
                KubernetesSchemas.validate(object);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void everyObjectCarriesTheStandardLabelsAndAValidName(String label, List<Path> files) {
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> object : rendered(label, files).objects()) {
            String id = object.get("kind") + "/" + name(object);
            Map<String, String> labels = strings(object, "metadata.labels");
            soft.assertThat(labels).as(id).containsEntry("app.kubernetes.io/name", "quanta")
                    .containsEntry("app.kubernetes.io/instance", ChartRenderer.RELEASE)
                    .containsEntry("app.kubernetes.io/part-of", "quanta")
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsKeys("app.kubernetes.io/component", "app.kubernetes.io/version", "helm.sh/chart");
            soft.assertThat(name(object)).as(id).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
            soft.assertThat(at(object, "metadata.namespace")).as(id + " leaves the namespace to helm").isNull();
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void everyPodIsLockedDown(String label, List<Path> files) {
        checkLockedDown(rendered(label, files));
    }

    static void checkLockedDown(Rendered r) {
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> workload : r.workloads()) {
            String id = workload.get("kind") + "/" + name(workload);
            Map<String, Object> pod = podSpec(workload);
            soft.assertThat(pod.get("automountServiceAccountToken")).as(id + " mounts no token").isEqualTo(false);
            soft.assertThat(at(pod, "securityContext.runAsNonRoot")).as(id + " runAsNonRoot").isEqualTo(true);
            soft.assertThat(at(pod, "securityContext.runAsUser")).as(id + " runs as a non-zero uid")
                    .isInstanceOf(Integer.class).isNotEqualTo(0);
            soft.assertThat(str(pod, "securityContext.seccompProfile.type")).as(id + " seccompProfile").isEqualTo("RuntimeDefault");
            soft.assertThat(pod.get("hostNetwork")).as(id + " hostNetwork").isNull();
            Map<String, Map<String, Object>> volumes = new HashMap<>(maps(pod, "volumes").stream()
                    .collect(Collectors.toMap(v -> str(v, "name"), v -> v)));
            maps(workload, "spec.volumeClaimTemplates").forEach(t -> volumes.put(str(t, "metadata.name"), t));
            for (Map<String, Object> c : allContainers(workload)) {
                String cid = id + " container " + c.get("name");
                soft.assertThat(at(c, "securityContext.readOnlyRootFilesystem")).as(cid + " readOnlyRootFilesystem").isEqualTo(true);
                soft.assertThat(at(c, "securityContext.allowPrivilegeEscalation")).as(cid + " allowPrivilegeEscalation").isEqualTo(false);
                soft.assertThat(at(c, "securityContext.runAsNonRoot")).as(cid + " runAsNonRoot").isEqualTo(true);
                soft.assertThat(list(c, "securityContext.capabilities.drop")).as(cid + " capabilities.drop").containsExactly("ALL");
                soft.assertThat(at(c, "securityContext.capabilities.add")).as(cid + " capabilities.add").isNull();
                soft.assertThat(at(c, "securityContext.privileged")).as(cid + " privileged").isNotEqualTo(true);
                // The root filesystem is read-only: /tmp (java.io.tmpdir) must be a writable emptyDir.
                Map<String, Object> tmpMount = maps(c, "volumeMounts").stream()
                        .filter(m -> "/tmp".equals(m.get("mountPath"))).findFirst().orElse(null);
                soft.assertThat(tmpMount).as(cid + " mounts /tmp").isNotNull();
                if (tmpMount != null) {
                    soft.assertThat(volumes.get(str(tmpMount, "name"))).as(cid + " /tmp volume").isNotNull()
                            .containsKey("emptyDir");
                    soft.assertThat(tmpMount.get("readOnly")).as(cid).isNotEqualTo(true);
                }
                for (Map<String, Object> mount : maps(c, "volumeMounts")) {
                    soft.assertThat(volumes).as(cid + " mounts a declared volume").containsKey(str(mount, "name"));
                }
                soft.assertThat(map(c, "resources.requests")).as(cid + " requests").containsKeys("cpu", "memory");
                soft.assertThat(map(c, "resources.limits")).as(cid + " limits").containsKey("memory");
            }
            // Models are read-only to the worker.
            for (Map<String, Object> c : containers(workload)) {
                maps(c, "volumeMounts").stream().filter(m -> "/models".equals(m.get("mountPath")))
                        .forEach(m -> soft.assertThat(m.get("readOnly")).as(id + " /models").isEqualTo(true));
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void quantaContainersProbeTheActuatorHealthGroups(String label, List<Path> files) {
        checkProbes(rendered(label, files));
    }

    static void checkProbes(Rendered r) {
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> workload : r.workloads()) {
            String component = podLabels(workload).get("app.kubernetes.io/component");
            if (component.equals("postgresql")) {
                continue;
            }
            soft.assertThat(QUANTA_COMPONENTS).as(name(workload)).contains(component);
            for (Map<String, Object> c : containers(workload)) {
                String cid = name(workload) + "/" + c.get("name");
                List<String> ports = portNames(workload);
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    String path = str(c, probe + ".httpGet.path");
                    // The worker is ready when its /health says the model is loaded and warmed up.
                    String readiness = "worker".equals(component) ? "/health" : "/actuator/health/readiness";
                    soft.assertThat(path).as(cid + " " + probe).isEqualTo(probe.equals("readinessProbe")
                            ? readiness : "/actuator/health/liveness");
                    soft.assertThat(ports).as(cid + " " + probe + " port").contains(str(c, probe + ".httpGet.port"));
                }
                int startupSeconds = (Integer) at(c, "startupProbe.periodSeconds")
                        * (Integer) at(c, "startupProbe.failureThreshold");
                // A worker loads its model before it is live: its startup probe allows for that (10+ minutes).
                soft.assertThat(startupSeconds).as(cid + " startup budget (s)")
                        .isGreaterThanOrEqualTo("worker".equals(component) ? 600 : 60);
            }
        }
        for (Map<String, Object> db : r.workloads().stream()
                .filter(w -> "postgresql".equals(podLabels(w).get("app.kubernetes.io/component"))).toList()) {
            for (Map<String, Object> c : containers(db)) {
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    soft.assertThat(String.join(" ", list(c, probe + ".exec.command").stream().map(Object::toString)
                            .toList())).as(name(db) + " " + probe).contains("pg_isready");
                }
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void selectorsSelectExactlyTheirPods(String label, List<Path> files) {
        Rendered r = rendered(label, files);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> workload : r.workloads()) {
            Map<String, String> selector = strings(workload, "spec.selector.matchLabels");
            soft.assertThat(selector).as(name(workload) + " selector").isNotEmpty();
            soft.assertThat(podLabels(workload).entrySet()).as(name(workload) + " pods match their selector")
                    .containsAll(selector.entrySet());
            soft.assertThat(r.workloadsSelectedBy(selector)).as(name(workload) + " selector is its own")
                    .containsExactly(workload);
        }
        for (Map<String, Object> service : r.ofKind("Service")) {
            List<Map<String, Object>> selected = r.workloadsSelectedBy(strings(service, "spec.selector"));
            soft.assertThat(selected).as("Service " + name(service) + " selects one workload's pods").hasSize(1);
            if (selected.size() == 1) {
                for (Map<String, Object> port : maps(service, "spec.ports")) {
                    soft.assertThat(portNames(selected.get(0))).as("Service " + name(service) + " targetPort")
                            .contains(str(port, "targetPort"));
                }
            }
        }
        for (Map<String, Object> pdb : r.ofKind("PodDisruptionBudget")) {
            soft.assertThat(r.workloadsSelectedBy(strings(pdb, "spec.selector.matchLabels")))
                    .as("PDB " + name(pdb)).hasSize(1);
        }
        for (Map<String, Object> hpa : r.ofKind("HorizontalPodAutoscaler")) {
            String target = str(hpa, "spec.scaleTargetRef.name");
            soft.assertThat(r.find(str(hpa, "spec.scaleTargetRef.kind"), target)).as("HPA " + name(hpa)).isPresent();
            r.find(str(hpa, "spec.scaleTargetRef.kind"), target).ifPresent(d -> soft.assertThat(map(d, "spec"))
                    .as(target + " leaves replicas to its HPA").doesNotContainKey("replicas"));
        }
        for (Map<String, Object> sts : r.ofKind("StatefulSet")) {
            Map<String, Object> governing = r.get("Service", str(sts, "spec.serviceName"));
            soft.assertThat(str(governing, "spec.clusterIP")).as("headless governing Service").isEqualTo("None");
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void networkPolicyPeersSelectRealPods(String label, List<Path> files) {
        Rendered r = rendered(label, files);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> policy : r.ofKind("NetworkPolicy")) {
            List<Map<String, Object>> targets = r.workloadsSelectedBy(strings(policy, "spec.podSelector.matchLabels"));
            soft.assertThat(targets).as(name(policy) + " protects one workload").hasSize(1);
            for (Map<String, Object> rule : maps(policy, "spec.ingress")) {
                for (Map<String, Object> peer : maps(rule, "from")) {
                    if (peer.containsKey("podSelector") && !peer.containsKey("namespaceSelector")) {
                        soft.assertThat(r.workloadsSelectedBy(strings(peer, "podSelector.matchLabels")))
                                .as(name(policy) + " peer " + peer + " selects rendered pods").hasSize(1);
                    } else {
                        soft.assertThat(map(peer, "namespaceSelector")).as(name(policy) + " namespace peer")
                                .isNotEmpty();
                    }
                }
                for (Map<String, Object> port : maps(rule, "ports")) {
                    if (targets.size() == 1) {
                        soft.assertThat(portNames(targets.get(0))).as(name(policy) + " port")
                                .contains(str(port, "port"));
                    }
                }
            }
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void referencedSecretsConfigMapsAndClaimsExist(String label, List<Path> files) {
        Rendered r = rendered(label, files);
        List<String> external = ValueSets.externalNames(files);
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> workload : r.workloads()) {
            for (Map<String, Object> c : allContainers(workload)) {
                for (Map<String, Object> env : maps(c, "env")) {
                    String secret = str(env, "valueFrom.secretKeyRef.name");
                    if (secret == null) {
                        continue;
                    }
                    String key = str(env, "valueFrom.secretKeyRef.key");
                    var rendered = r.find("Secret", secret);
                    if (rendered.isPresent()) {
                        soft.assertThat(map(rendered.get(), "data")).as("Secret " + secret).containsKey(key);
                    } else {
                        soft.assertThat(external).as(name(workload) + " refers to Secret " + secret).contains(secret);
                    }
                }
                for (Map<String, Object> from : maps(c, "envFrom")) {
                    soft.assertThat(r.find("ConfigMap", str(from, "configMapRef.name")))
                            .as(name(workload) + " envFrom").isPresent();
                }
            }
            for (Map<String, Object> volume : maps(podSpec(workload), "volumes")) {
                String secret = str(volume, "secret.secretName");
                if (secret != null) {
                    var rendered = r.find("Secret", secret);
                    if (rendered.isPresent()) {
                        for (Map<String, Object> item : maps(volume, "secret.items")) {
                            soft.assertThat(map(rendered.get(), "data")).as("Secret " + secret + " item")
                                    .containsKey(str(item, "key"));
                        }
                    } else {
                        soft.assertThat(external).as(name(workload) + " mounts Secret " + secret).contains(secret);
                    }
                }
                String claim = str(volume, "persistentVolumeClaim.claimName");
                if (claim != null) {
                    soft.assertThat(r.find("PersistentVolumeClaim", claim).isPresent() || external.contains(claim))
                            .as(name(workload) + " claim " + claim).isTrue();
                }
            }
            String sa = str(podSpec(workload), "serviceAccountName");
            soft.assertThat(r.find("ServiceAccount", sa)).as(name(workload) + " service account").isPresent();
        }
        soft.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quanta.deploy.helm.ValueSets#all")
    void podsCarryChecksumsOfTheirConfiguration(String label, List<Path> files) {
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, Object> workload : rendered(label, files).workloads()) {
            Map<String, String> annotations = strings(workload, "spec.template.metadata.annotations");
            soft.assertThat(annotations.get("checksum/secret")).as(name(workload)).matches("[0-9a-f]{64}");
            if (!"postgresql".equals(podLabels(workload).get("app.kubernetes.io/component"))) {
                soft.assertThat(annotations.get("checksum/config")).as(name(workload)).matches("[0-9a-f]{64}");
            }
        }
        soft.assertAll();
    }
}
