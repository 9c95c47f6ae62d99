package dev.quanta.gateway.openai;

import dev.quanta.gateway.web.Bodies;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The usage block of a worker's response or chunk: the tokens to charge, and whether the chunk carries no
 * choices (the usage-only chunk a client did not ask for). Null when there is no {@code usage} object or the
 * JSON is malformed.
 */
record Usage(long total, boolean choicesEmpty) {

    static Usage of(String json) {
        try {
            return of(Bodies.JSON.readTree(json));
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * A whole response, read in one streaming pass: only the {@code usage} object becomes a (small) tree, the
     * choices are skipped; the answer is that of {@link #of(JsonNode)} on the parsed response.
     */
    static Usage of(byte[] json) {
        try (JsonParser p = Bodies.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonNode usage = null;
            boolean choicesEmpty = true;
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("usage")) {
                    usage = value == JsonToken.START_OBJECT ? p.readValueAsTree() : null;
                    p.skipChildren(); // an array
                } else if (name.equals("choices")) {
                    choicesEmpty = !nonEmptyArray(p, value);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return null; // trailing content: not one JSON value
            }
            return usage == null ? null : of(usage, choicesEmpty);
        } catch (JacksonException e) {
            return null;
        }
    }

    static Usage of(JsonNode node) {
        JsonNode usage = node.path("usage");
        if (!usage.isObject()) {
            return null;
        }
        return of(usage, !node.path("choices").isArray() || node.path("choices").isEmpty());
    }

    private static Usage of(JsonNode usage, boolean choicesEmpty) {
        long total = usage.path("total_tokens").asLong(usage.path("prompt_tokens").asLong(0)
                + usage.path("completion_tokens").asLong(0));
        return new Usage(total, choicesEmpty);
    }

    /** Whether the value is an array with at least one element; skips it either way. */
    private static boolean nonEmptyArray(JsonParser p, JsonToken value) {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        if (p.nextToken() == JsonToken.END_ARRAY) {
            return false;
        }
        p.skipChildren(); // the first element, when a container
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
        return true;
    }
}
