package dev.quanta.gateway.proxy;

import tools.jackson.databind.JsonNode;

/**
 * The text a request's prefix affinity is computed on: a completion's prompt, or a chat's messages flattened
 * in order (role and content), which is what the worker's chat template turns into the same token prefix.
 */
public final class Prompts {

    private Prompts() {}

    public static String completion(JsonNode body) {
        JsonNode prompt = body.path("prompt");
        if (prompt.isString()) {
            return prompt.asString();
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isString()) {
            return prompt.get(0).asString();
        }
        return null; // token ids: no text to hash
    }

    public static String chat(JsonNode body) {
        return messages(body.path("messages"));
    }

    /** A chat's {@code messages} flattened (null when they are no array). */
    public static String messages(JsonNode messages) {
        if (!messages.isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode m : messages) {
            text.append(m.path("role").asString("")).append('\n');
            JsonNode content = m.path("content");
            if (content.isString()) {
                text.append(content.asString());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    text.append(part.path("text").asString(""));
                }
            }
            text.append('\n');
        }
        return text.toString();
    }
}
