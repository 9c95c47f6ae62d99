package dev.quanta.deploy;

import java.util.List;
import java.util.Map;

/** Null-tolerant navigation of YAML/JSON trees parsed into maps and lists. */
public final class Yamls {

    private Yamls() {}

    /** The value at a dotted path ("spec.template.spec"), or null where any step is absent. */
    public static Object at(Object node, String path) {
        Object current = node;
        for (String step : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object node, String path) {
        Object value = at(node, path);
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object node, String path) {
        Object value = at(node, path);
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> maps(Object node, String path) {
        return list(node, path).stream().map(o -> (Map<String, Object>) o).toList();
    }

    public static String str(Object node, String path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, String> strings(Object node, String path) {
        return (Map<String, String>) (Map<?, ?>) map(node, path);
    }
}
