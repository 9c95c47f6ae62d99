package dev.quanta.worker.api;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads of optional request fields with OpenAI-shaped 400s naming the field ({@code param}). A field that is
 * absent or JSON {@code null} counts as not given.
 */
final class Fields {

    private final JsonNode body;

    Fields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw OpenAiException.invalid(null, "The request body must be a JSON object.");
        }
        this.body = body;
    }

    JsonNode body() {
        return body;
    }

    boolean has(String name) {
        JsonNode v = body.get(name);
        return v != null && !v.isNull();
    }

    JsonNode node(String name) {
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? null : v;
    }

    String string(String name, String fallback) {
        JsonNode v = node(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isString()) {
            throw wrongType(name, "a string", v);
        }
        return v.stringValue();
    }

    boolean bool(String name, boolean fallback) {
        JsonNode v = node(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw wrongType(name, "a boolean", v);
        }
        return v.booleanValue();
    }

    /** A number in {@code [min, max]}. */
    double number(String name, double fallback, double min, double max) {
        JsonNode v = node(name);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw wrongType(name, "a decimal", v);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw OpenAiException.invalid(name, "Invalid '" + name + "': " + v + " is out of range; it must be between "
                    + fmt(min) + " and " + fmt(max) + ".");
        }
        return d;
    }

    /** An integer in {@code [min, max]}. */
    long integer(String name, long fallback, long min, long max) {
        JsonNode v = node(name);
        if (v == null) {
            return fallback;
        }
        return integer(name, v, min, max);
    }

    static long integer(String name, JsonNode v, long min, long max) {
        if (!v.isIntegralNumber() && !(v.isNumber() && v.doubleValue() == Math.rint(v.doubleValue())
                && Math.abs(v.doubleValue()) < 9.0e15)) {
            throw wrongType(name, "an integer", v);
        }
        if (v.isBigInteger() && !v.canConvertToLong()) {
            throw OpenAiException.invalid(name, "Invalid '" + name + "': " + v + " is out of range.");
        }
        long l = v.isIntegralNumber() ? v.longValue() : (long) v.doubleValue();
        if (l < min || l > max) {
            throw OpenAiException.invalid(name, "Invalid '" + name + "': " + l + " is out of range; it must be between "
                    + min + " and " + max + ".");
        }
        return l;
    }

    /** A string or an array of strings (OpenAI's {@code stop}); empty when absent. */
    List<String> stringOrStrings(String name, int maxCount) {
        JsonNode v = node(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isString()) {
            out.add(v.stringValue());
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (!e.isString()) {
                    throw wrongType(name + "[" + i + "]", "a string", e);
                }
                out.add(e.stringValue());
            }
        } else {
            throw wrongType(name, "a string or an array of strings", v);
        }
        if (out.size() > maxCount) {
            throw OpenAiException.invalid(name, "Invalid '" + name + "': at most " + maxCount + " entries, got "
                    + out.size() + ".");
        }
        for (String s : out) {
            if (s.isEmpty()) {
                throw OpenAiException.invalid(name, "Invalid '" + name + "': empty strings are not allowed.");
            }
        }
        return out;
    }

    static OpenAiException wrongType(String name, String expected, JsonNode got) {
        return OpenAiException.invalid(name, "Invalid type for '" + name + "': expected " + expected + ", but got "
                + describe(got) + " instead.");
    }

    static String describe(JsonNode v) {
        if (v.isString()) {
            return "a string";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a decimal";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
