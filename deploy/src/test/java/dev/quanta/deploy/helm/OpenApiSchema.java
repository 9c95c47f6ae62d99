package dev.quanta.deploy.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates a value against a CRD's {@code openAPIV3Schema} (the structural-schema subset CRDs use: type,
 * properties, required, items, additionalProperties, enum, pattern, minLength, x-kubernetes-int-or-string,
 * x-kubernetes-preserve-unknown-fields). Fields a schema does not declare are errors, as with the API server's
 * strict field validation ({@code kubectl apply --validate=strict}).
 */
final class OpenApiSchema {

    private OpenApiSchema() {}

    /** Every violation, each as "path: problem"; empty when the value is valid. */
    static List<String> violations(Map<String, Object> schema, Object value) {
        List<String> out = new ArrayList<>();
        check(schema, value, "$", out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> schema, Object value, String path, List<String> out) {
        if (value == null) {
            out.add(path + ": null");
            return;
        }
        if (Boolean.TRUE.equals(schema.get("x-kubernetes-int-or-string"))) {
            if (!(value instanceof Integer || value instanceof Long || value instanceof String)) {
                out.add(path + ": expected an integer or a string, got " + value);
            }
            return;
        }
        String type = (String) schema.get("type");
        if (type == null) {
            return; // no constraint (e.g. only x-kubernetes-preserve-unknown-fields)
        }
        switch (type) {
            case "object" -> {
                if (!(value instanceof Map<?, ?> map)) {
                    out.add(path + ": expected an object, got " + value);
                    return;
                }
                Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
                Object additional = schema.get("additionalProperties");
                boolean preserveUnknown = Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"));
                for (String required : (List<String>) schema.getOrDefault("required", List.of())) {
                    if (!map.containsKey(required)) {
                        out.add(path + ": missing required field " + required);
                    }
                }
                for (var entry : ((Map<String, Object>) map).entrySet()) {
                    String child = path + "." + entry.getKey();
                    if (properties != null && properties.containsKey(entry.getKey())) {
                        check((Map<String, Object>) properties.get(entry.getKey()), entry.getValue(), child, out);
                    } else if (additional instanceof Map<?, ?> additionalSchema) {
                        check((Map<String, Object>) additionalSchema, entry.getValue(), child, out);
                    } else if (properties != null && !preserveUnknown) {
                        out.add(child + ": unknown field");
                    }
                }
            }
            case "array" -> {
                if (!(value instanceof List<?> list)) {
                    out.add(path + ": expected an array, got " + value);
                    return;
                }
                Map<String, Object> items = (Map<String, Object>) schema.get("items");
                for (int i = 0; i < list.size(); i++) {
                    if (items != null) {
                        check(items, list.get(i), path + "[" + i + "]", out);
                    }
                }
            }
            case "string" -> {
                if (!(value instanceof String s)) {
                    out.add(path + ": expected a string, got " + value);
                    return;
                }
                List<Object> allowed = (List<Object>) schema.get("enum");
                if (allowed != null && !allowed.contains(s)) {
                    out.add(path + ": " + s + " is not one of " + allowed);
                }
                String pattern = (String) schema.get("pattern");
                if (pattern != null && !Pattern.compile(pattern).matcher(s).find()) {
                    out.add(path + ": " + s + " does not match " + pattern);
                }
                Object minLength = schema.get("minLength");
                if (minLength instanceof Integer min && s.length() < min) {
                    out.add(path + ": shorter than " + min);
                }
            }
            case "integer" -> {
                if (!(value instanceof Integer || value instanceof Long)) {
                    out.add(path + ": expected an integer, got " + value);
                }
            }
            case "boolean" -> {
                if (!(value instanceof Boolean)) {
                    out.add(path + ": expected a boolean, got " + value);
                }
            }
            case "number" -> {
                if (!(value instanceof Number)) {
                    out.add(path + ": expected a number, got " + value);
                }
            }
            default -> out.add(path + ": schema type " + type + " not supported by this validator");
        }
    }
}
