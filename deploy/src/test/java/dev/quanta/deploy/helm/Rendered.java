package dev.quanta.deploy.helm;

import static dev.quanta.deploy.Yamls.map;
import static dev.quanta.deploy.Yamls.maps;
import static dev.quanta.deploy.Yamls.str;
import static dev.quanta.deploy.Yamls.strings;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects of one {@code helm template} run, with the look-ups the chart tests need. */
record Rendered(List<Map<String, Object>> objects) {

    static final List<String> WORKLOAD_KINDS = List.of("Deployment", "StatefulSet");

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(name(o))).findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered; have "
                + objects.stream().map(o -> o.get("kind") + "/" + name(o)).toList()));
    }

    List<Map<String, Object>> workloads() {
        return objects.stream().filter(o -> WORKLOAD_KINDS.contains(o.get("kind"))).toList();
    }

    /** Workloads whose pod template labels satisfy every key/value of {@code matchLabels} (empty selects all). */
    List<Map<String, Object>> workloadsSelectedBy(Map<String, String> matchLabels) {
        return workloads().stream().filter(w -> podLabels(w).entrySet().containsAll(matchLabels.entrySet())).toList();
    }

    static String name(Map<String, Object> object) {
        return str(object, "metadata.name");
    }

    static Map<String, String> podLabels(Map<String, Object> workload) {
        return strings(workload, "spec.template.metadata.labels");
    }

    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(workload, "spec.template.spec");
    }

    /** Containers and init containers of a workload's pods. */
    static List<Map<String, Object>> allContainers(Map<String, Object> workload) {
        var all = new java.util.ArrayList<>(maps(podSpec(workload), "initContainers"));
        all.addAll(maps(podSpec(workload), "containers"));
        return all;
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return maps(podSpec(workload), "containers");
    }

    /** Names of the container ports of a workload's pods. */
    static List<String> portNames(Map<String, Object> workload) {
        return containers(workload).stream().flatMap(c -> maps(c, "ports").stream()).map(p -> str(p, "name")).toList();
    }
}
