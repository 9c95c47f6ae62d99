package dev.quanta.worker.api;

import java.util.Locale;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One line of an offline batch (vLLM's {@code run-batch} / OpenAI's batch file format) run through the same
 * request handling as the HTTP API, without Spring: {@code {"custom_id","method":"POST","url","body"}} with
 * {@code url} {@code /v1/completions} or {@code /v1/chat/completions}, or a plain {@code {"prompt": ...}} line
 * (a completion request; its id is {@code line-<n>}). The result is
 * {@code {"id","custom_id","response":{"status_code","request_id","body"},"error":null}}; a request that fails
 * gets its OpenAI error body and status there, as OpenAI's batch output does.
 */
public final class BatchRunner {

    private final ServedModel model;
    private final ServingMetrics metrics = new ServingMetrics();

    public BatchRunner(ServedModel model) {
        this.model = model;
    }

    /** The custom id of a parsed line ({@code custom_id}, else {@code line-<lineNumber>}). */
    public static String customId(JsonNode line, long lineNumber) {
        JsonNode id = line.get("custom_id");
        return id != null && id.isString() ? id.stringValue() : "line-" + lineNumber;
    }

    public static JsonNode parse(String line) {
        return Json.parse(line);
    }

    public static String write(JsonNode node) {
        return Json.MAPPER.writeValueAsString(node);
    }

    /**
     * Runs one line to its end (blocking the calling thread). Queue-full rejections are retried after their
     * Retry-After, so a large file never fails for being large.
     */
    public ObjectNode run(JsonNode line, String customId) throws InterruptedException {
        String requestId = UUID.randomUUID().toString().replace("-", "");
        ObjectNode out = Json.object();
        out.put("id", "batch_req_" + requestId);
        out.put("custom_id", customId);
        ObjectNode response = out.putObject("response");
        int status;
        JsonNode body;
        while (true) {
            try {
                body = handle(line, requestId);
                status = 200;
                break;
            } catch (OpenAiException e) {
                if (e.status() == 429) {
                    Thread.sleep(Math.max(1, e.retryAfterSeconds()) * 100L);
                    continue;
                }
                status = e.status();
                body = Json.error(e);
                break;
            }
        }
        response.put("status_code", status);
        response.put("request_id", requestId);
        response.set("body", body);
        out.putNull("error");
        return out;
    }

    private JsonNode handle(JsonNode line, String requestId) throws InterruptedException {
        if (!line.isObject()) {
            throw OpenAiException.invalid(null, "each line must be a JSON object");
        }
        String url = "/v1/completions";
        JsonNode body = line;
        if (line.has("body") || line.has("url")) {
            Fields f = new Fields(line);
            String method = f.string("method", "POST");
            if (!method.toUpperCase(Locale.ROOT).equals("POST")) {
                throw OpenAiException.invalid("method", "only POST is supported, got " + method);
            }
            url = f.string("url", null);
            if (url == null) {
                throw OpenAiException.invalid("url", "Missing required parameter: 'url'.");
            }
            body = f.node("body");
            if (body == null || !body.isObject()) {
                throw OpenAiException.invalid("body", "'body' must be a JSON object");
            }
        }
        ObjectNode request = ((ObjectNode) body).deepCopy();
        request.remove("stream");
        request.remove("stream_options");
        request.remove("model"); // the batch runs the one loaded model whatever the file names
        request.remove("custom_id");
        return switch (url) {
            case "/v1/completions" -> {
                CompletionApi api = new CompletionApi(model, metrics);
                CompletionApi.Prepared p = api.prepare(request, requestId);
                yield api.complete(p, api.start(p));
            }
            case "/v1/chat/completions" -> {
                ChatApi api = new ChatApi(model, metrics);
                ChatApi.Prepared p = api.prepare(request, requestId);
                yield api.complete(p, api.start(p));
            }
            default -> throw OpenAiException.invalid("url", "unsupported url '" + url
                    + "' (supported: /v1/completions, /v1/chat/completions)");
        };
    }
}
