package dev.quanta.deploy.helm;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.JSON;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * Validates built-in Kubernetes objects against the Kubernetes OpenAPI schemas as generated into
 * {@code io.kubernetes:client-java-api}: the model class's {@code validateJsonElement} (unknown fields, required
 * fields, JSON shapes, recursively), then a typed deserialization (numbers, quantities, int-or-strings).
 */
final class KubernetesSchemas {

    private static final Gson GSON = new Gson();

    private KubernetesSchemas() {}

    /** The client-java model class of apiVersion/kind, e.g. apps/v1 Deployment → V1Deployment. */
    static Class<?> modelClass(String apiVersion, String kind) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String name = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
                + version.substring(1) + kind;
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no Kubernetes schema for " + apiVersion + " " + kind + " (" + name + ")");
        }
    }

    /** Throws an AssertionError naming the object and the schema violation. */
    static void validate(Map<String, Object> object) {
        String apiVersion = (String) object.get("apiVersion");
        String kind = (String) object.get("kind");
        String id = apiVersion + " " + kind + " " + Rendered.name(object);
        if (apiVersion == null || kind == null) {
            throw new AssertionError("object without apiVersion/kind: " + object);
        }
        Class<?> model = modelClass(apiVersion, kind);
        JsonElement json = GSON.toJsonTree(object);
        try {
            Method validate = model.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
        } catch (InvocationTargetException e) {
            throw new AssertionError(id + " does not match the Kubernetes schema: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        try {
            Object typed = JSON.deserialize(json.toString(), model);
            if (typed == null) {
                throw new AssertionError(id + " deserialized to nothing");
            }
        } catch (RuntimeException e) {
            throw new AssertionError(id + " does not deserialize as " + model.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
