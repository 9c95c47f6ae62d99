package dev.quanta.gateway.proxy;

import dev.quanta.gateway.web.GatewayException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the gateway needs from an OpenAI request body, read in one streaming pass without building the
 * body's tree: the model, the text prefix affinity is computed on, whether it streams and whether the client
 * asked for the usage chunk. Everything else is skipped (still checked to be well-formed JSON), and the body
 * is forwarded as sent. Field values are interpreted exactly as {@link JsonNode} reads them
 * ({@code asBoolean}, the last of duplicate keys wins), so a request means what it meant with a parsed tree.
 *
 * @param model        the {@code model} field when it is a string, else null
 * @param prompt       {@link Prompts}' text of the request (null: none to hash)
 * @param stream       {@code stream}
 * @param includeUsage {@code stream_options.include_usage}
 */
public record InferenceBody(String model, String prompt, boolean stream, boolean includeUsage) {

    /** Which API's prompt field to read: a completion's {@code prompt} or a chat's {@code messages}. */
    public enum Kind { COMPLETION, CHAT }

    /** Scans {@code bytes}, or refuses them with the 400 {@code Bodies.parseObject} gives. */
    public static InferenceBody scan(JsonMapper json, byte[] bytes, Kind kind) {
        if (bytes.length == 0) {
            throw GatewayException.badRequest("request body is empty; expected a JSON object", null);
        }
        try (JsonParser p = json.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw GatewayException.badRequest("request body must be a JSON object", null);
            }
            String model = null;
            String prompt = null;
            boolean stream = false;
            boolean includeUsage = false;
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "model" -> {
                        model = value == JsonToken.VALUE_STRING ? p.getString() : null;
                        p.skipChildren();
                    }
                    case "stream" -> stream = asBoolean(p, value);
                    case "stream_options" -> includeUsage = includeUsage(p, value);
                    case "prompt" -> {
                        if (kind == Kind.COMPLETION) {
                            prompt = completionPrompt(p, value);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "messages" -> {
                        if (kind == Kind.CHAT) {
                            prompt = Prompts.messages(p.readValueAsTree());
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw GatewayException.badRequest("malformed JSON: Trailing token (`JsonToken." + trailing
                        + "`) found after value: not allowed", null);
            }
            return new InferenceBody(model, prompt, stream, includeUsage);
        } catch (JacksonException e) {
            throw GatewayException.badRequest("malformed JSON: " + e.getOriginalMessage(), null);
        }
    }

    /** A completion's {@code prompt}: a string, or the first of an array of strings (token ids: null). */
    private static String completionPrompt(JsonParser p, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (value == JsonToken.START_ARRAY) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.END_ARRAY) {
                return null;
            }
            String text = first == JsonToken.VALUE_STRING ? p.getString() : null;
            p.skipChildren(); // the first element, when a container
            while (p.nextToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
            return text;
        }
        p.skipChildren();
        return null;
    }

    /** {@code stream_options.include_usage}, false when {@code stream_options} is no object. */
    private static boolean includeUsage(JsonParser p, JsonToken value) {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean include = false;
        for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("include_usage")) {
                include = asBoolean(p, v);
            } else {
                p.skipChildren();
            }
        }
        return include;
    }

    /** The value as {@link JsonNode#asBoolean(boolean)} reads it ({@code true}, {@code "true"}, a non-zero integer). */
    private static boolean asBoolean(JsonParser p, JsonToken value) {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            case START_OBJECT, START_ARRAY -> {
                p.skipChildren();
                yield false;
            }
            default -> ((JsonNode) p.readValueAsTree()).asBoolean(false); // numbers and strings: the node's rules
        };
    }
}
