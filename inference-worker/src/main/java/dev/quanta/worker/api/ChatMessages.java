package dev.quanta.worker.api;

import dev.quanta.worker.tokenizer.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI chat messages read into template messages: {@code content} as a string or an array of text parts;
 * {@code developer} is given to templates as {@code system}; an assistant message may have no content.
 */
final class ChatMessages {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatMessages() {}

    static List<Message> read(JsonNode node) {
        if (node == null) {
            throw OpenAiException.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!node.isArray()) {
            throw Fields.wrongType("messages", "an array", node);
        }
        if (node.isEmpty()) {
            throw OpenAiException.invalid("messages", "Invalid 'messages': empty array. Expected an array with at "
                    + "least 1 element.");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw Fields.wrongType(at, "an object", m);
            }
            Fields mf = new Fields(m);
            String role = mf.string("role", null);
            if (role == null) {
                throw OpenAiException.invalid(at + ".role", "Missing required parameter: '" + at + ".role'.");
            }
            if (!ROLES.contains(role)) {
                throw OpenAiException.invalid(at + ".role", "Invalid value: '" + role + "'. Supported values are: "
                        + "'system', 'developer', 'user', 'assistant', and 'tool'.");
            }
            out.add(new Message(role.equals("developer") ? "system" : role, content(at, mf.node("content"), role)));
        }
        return out;
    }

    private static String content(String at, JsonNode content, String role) {
        if (content == null) {
            if (role.equals("assistant")) {
                return "";
            }
            throw OpenAiException.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.");
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw Fields.wrongType(at + ".content", "a string or an array of content parts", content);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            String partAt = at + ".content[" + j + "]";
            JsonNode part = content.get(j);
            if (!part.isObject()) {
                throw Fields.wrongType(partAt, "an object", part);
            }
            Fields pf = new Fields(part);
            String type = pf.string("type", null);
            if (!"text".equals(type)) {
                throw OpenAiException.invalid(partAt + ".type", "Only content parts of type 'text' are supported, got "
                        + (type == null ? "none" : "'" + type + "'") + ".");
            }
            text.append(pf.string("text", ""));
        }
        return text.toString();
    }
}
