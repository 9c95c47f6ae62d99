package dev.quanta.worker.api;

import dev.quanta.worker.engine.Usage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Small builders for the response objects both OpenAI endpoints share. */
public final class Json {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Parses request bodies and writes chunks (no Spring: the batch runner uses it too). */
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {}

    /** A request body. @throws OpenAiException 400 when it is not JSON */
    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw OpenAiException.invalid(null, "The request body is empty; expected a JSON object.");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            String why = e.getOriginalMessage();
            throw OpenAiException.invalid(null, "We could not parse the JSON body of your request: " + why);
        }
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** OpenAI's {@code usage}, with {@code prompt_tokens_details.cached_tokens} from the prefix cache. */
    static ObjectNode usage(Usage u) {
        ObjectNode o = object();
        o.put("prompt_tokens", u.promptTokens());
        o.put("total_tokens", u.totalTokens());
        o.put("completion_tokens", u.completionTokens());
        o.putObject("prompt_tokens_details").put("cached_tokens", u.cachedTokens());
        return o;
    }

    /** {@code {"error":{"message","type","param","code"}}}. */
    static ObjectNode error(OpenAiException e) {
        ObjectNode root = object();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        err.put("param", e.param());
        err.put("code", e.code());
        return root;
    }

    static ArrayNode bytes(byte[] b) {
        ArrayNode a = array();
        for (byte x : b) {
            a.add(x & 0xFF);
        }
        return a;
    }
}
