package dev.quanta.gateway.ollama;

import dev.quanta.gateway.web.GatewayException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ollama's REST API in terms of OpenAI's, both ways. Pure: no Spring, no I/O.
 *
 * <p>Requests: {@code /api/generate} becomes a streamed {@code /v1/completions} (the {@code system} text, when
 * given, goes before the prompt; Modelfile templates do not exist here, so the prompt reaches the model as
 * written), {@code /api/chat} a streamed {@code /v1/chat/completions} (the worker applies the model's chat
 * template). {@code options}: temperature, top_p, top_k, min_p, seed, stop, num_predict (→ max_tokens; -1 or
 * absent: the worker's default), repeat_penalty (→ repetition_penalty), presence_penalty, frequency_penalty;
 * other options (num_ctx, num_thread, ...) are accepted and ignored, as is {@code keep_alive}.
 *
 * <p>Responses: each OpenAI chunk's text becomes one NDJSON object ({@code model}, {@code created_at},
 * {@code response} or {@code message}, {@code done: false}); the last one carries {@code done: true},
 * {@code done_reason} and the counts and durations (nanoseconds) Ollama reports.
 */
public final class OllamaTranslation {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private OllamaTranslation() {}

    /** The OpenAI completions body for an Ollama generate request. */
    public static ObjectNode generateRequest(JsonNode ollama) {
        ObjectNode openai = base(ollama);
        String system = text(ollama, "system");
        String prompt = text(ollama, "prompt");
        openai.put("prompt", system == null || system.isEmpty() ? prompt : system + "\n\n" + prompt);
        return openai;
    }

    /** The OpenAI chat body for an Ollama chat request. */
    public static ObjectNode chatRequest(JsonNode ollama) {
        ObjectNode openai = base(ollama);
        JsonNode messages = ollama.path("messages");
        if (!messages.isArray()) {
            throw GatewayException.badRequest("'messages' must be an array", "messages");
        }
        ArrayNode out = openai.putArray("messages");
        for (JsonNode m : messages) {
            if (!m.path("role").isString()) {
                throw GatewayException.badRequest("every message needs a string 'role'", "messages");
            }
            ObjectNode message = out.addObject();
            message.put("role", m.path("role").asString());
            message.put("content", m.path("content").isString() ? m.path("content").asString() : "");
        }
        return openai;
    }

    /** Whether the client wants a stream (Ollama's default) rather than one object. */
    public static boolean streams(JsonNode ollama) {
        JsonNode stream = ollama.path("stream");
        return stream.isMissingNode() || stream.isNull() || stream.asBoolean(true);
    }

    public static String model(JsonNode ollama) {
        String model = text(ollama, "model");
        if (model == null || model.isBlank()) {
            model = text(ollama, "name"); // older clients of /api/show send "name"
        }
        if (model == null || model.isBlank()) {
            throw GatewayException.badRequest("model is required", "model");
        }
        return model;
    }

    private static ObjectNode base(JsonNode ollama) {
        ObjectNode openai = JSON.createObjectNode();
        openai.put("model", model(ollama));
        openai.put("stream", true);
        openai.putObject("stream_options").put("include_usage", true);
        JsonNode options = ollama.path("options");
        if (!options.isMissingNode() && !options.isNull() && !options.isObject()) {
            throw GatewayException.badRequest("'options' must be an object", "options");
        }
        copyNumber(options, "temperature", openai, "temperature");
        copyNumber(options, "top_p", openai, "top_p");
        copyNumber(options, "top_k", openai, "top_k");
        copyNumber(options, "min_p", openai, "min_p");
        copyNumber(options, "seed", openai, "seed");
        copyNumber(options, "repeat_penalty", openai, "repetition_penalty");
        copyNumber(options, "presence_penalty", openai, "presence_penalty");
        copyNumber(options, "frequency_penalty", openai, "frequency_penalty");
        JsonNode numPredict = options.path("num_predict");
        if (numPredict.isNumber() && numPredict.asLong() >= 0) {
            openai.put("max_tokens", numPredict.asLong());
        } else if (!numPredict.isMissingNode() && !numPredict.isNumber()) {
            throw GatewayException.badRequest("options.num_predict must be a number", "options.num_predict");
        }
        JsonNode stop = options.path("stop");
        if (stop.isString() || stop.isArray()) {
            openai.set("stop", stop);
        }
        return openai;
    }

    private static void copyNumber(JsonNode from, String name, ObjectNode to, String as) {
        JsonNode value = from.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw GatewayException.badRequest("options." + name + " must be a number", "options." + name);
        }
        to.set(as, value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw GatewayException.badRequest("'" + field + "' must be a string", field);
        }
        return value.asString();
    }

    /** Ollama's timestamp format (RFC 3339 with nanoseconds, UTC). */
    public static String timestamp(Instant at) {
        return DateTimeFormatter.ISO_INSTANT.format(at);
    }

    /** One streamed piece: {@code {"model","created_at","response"|"message","done":false}}. */
    public static ObjectNode piece(boolean chat, String model, Instant at, String text) {
        ObjectNode line = JSON.createObjectNode();
        line.put("model", model);
        line.put("created_at", timestamp(at));
        if (chat) {
            ObjectNode message = line.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
        } else {
            line.put("response", text);
        }
        line.put("done", false);
        return line;
    }

    /** Counts and durations of a finished generation. Durations in nanoseconds. */
    public record Stats(long promptTokens, long completionTokens, long totalNanos, long promptNanos, long evalNanos) {}

    /** The last object: done, the reason, the stats; {@code text} is everything when not streaming, else "". */
    public static ObjectNode done(boolean chat, String model, Instant at, String text, String finishReason,
            Stats stats) {
        ObjectNode line = piece(chat, model, at, text);
        line.put("done", true);
        line.put("done_reason", finishReason == null ? "stop" : finishReason.equals("length") ? "length" : "stop");
        line.put("total_duration", stats.totalNanos());
        line.put("load_duration", 0L);
        line.put("prompt_eval_count", stats.promptTokens());
        line.put("prompt_eval_duration", stats.promptNanos());
        line.put("eval_count", stats.completionTokens());
        line.put("eval_duration", stats.evalNanos());
        return line;
    }

    /** The text of one OpenAI chunk: {@code choices[0].text} (completions) or {@code choices[0].delta.content} (chat). */
    public static String chunkText(JsonNode chunk, boolean chat) {
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode text = chat ? choice.path("delta").path("content") : choice.path("text");
        return text.isString() ? text.asString() : "";
    }

    public static String finishReason(JsonNode chunk) {
        JsonNode reason = chunk.path("choices").path(0).path("finish_reason");
        return reason.isString() ? reason.asString() : null;
    }

    /** The message of an OpenAI error body, for Ollama's {@code {"error": "..."}}. */
    public static String errorMessage(byte[] openaiError, int status) {
        try {
            JsonNode node = JSON.readTree(openaiError);
            JsonNode message = node.path("error").path("message");
            if (message.isString()) {
                return message.asString();
            }
            if (node.path("detail").isString()) {
                return node.path("detail").asString();
            }
        } catch (RuntimeException ignored) {
            // not JSON: fall through
        }
        return "worker answered HTTP " + status;
    }
}
