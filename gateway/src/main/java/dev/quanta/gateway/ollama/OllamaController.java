package dev.quanta.gateway.ollama;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.gateway.discovery.WorkerDirectory;
import dev.quanta.gateway.proxy.Dispatcher;
import dev.quanta.gateway.proxy.Prompts;
import dev.quanta.gateway.proxy.SseEvents;
import dev.quanta.gateway.proxy.SseRelay;
import dev.quanta.gateway.web.Bodies;
import dev.quanta.gateway.web.DirectHandler;
import dev.quanta.gateway.web.GatewayException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ollama's REST API on the same workers, so Ollama clients and tools work unchanged: generate and chat
 * (NDJSON streaming by default, one object with {@code "stream": false}), tags, show, ps, version.
 */
@RestController
@Tag(name = "Ollama", description = "Ollama-compatible API (Bearer API key)")
class OllamaController {

    /** The Ollama API version these endpoints follow. */
    static final String OLLAMA_VERSION = "0.12.3";

    private final Dispatcher dispatcher;
    private final WorkerDirectory directory;
    private final ModelCatalog catalog;
    private final SseRelay relay;
    private final Clock clock;
    private final long maxBodyBytes;

    OllamaController(Dispatcher dispatcher, WorkerDirectory directory, ModelCatalog catalog, SseRelay relay,
            Clock clock, EdgeProperties edge) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.catalog = catalog;
        this.relay = relay;
        this.clock = clock;
        this.maxBodyBytes = edge.maxBodyBytes();
    }

    @GetMapping(value = "/api/version", produces = "application/json")
    @Operation(summary = "The Ollama API version followed")
    ObjectNode version() {
        ObjectNode out = Bodies.JSON.createObjectNode();
        out.put("version", OLLAMA_VERSION);
        return out;
    }

    @GetMapping(value = "/api/tags", produces = "application/json")
    @Operation(summary = "Models served by live workers, in Ollama's list shape")
    ObjectNode tags() {
        ObjectNode out = Bodies.JSON.createObjectNode();
        ArrayNode models = out.putArray("models");
        for (String model : directory.liveModels()) {
            ModelCatalog.Facts facts = catalog.facts(model);
            ObjectNode entry = models.addObject();
            entry.put("name", model);
            entry.put("model", model);
            entry.put("modified_at", OllamaTranslation.timestamp(clock.instant()));
            entry.put("size", facts.sizeBytes());
            entry.put("digest", facts.sha256());
            entry.set("details", details(facts));
        }
        return out;
    }

    @GetMapping(value = "/api/ps", produces = "application/json")
    @Operation(summary = "Models loaded now (one entry per model with a live worker)")
    ObjectNode ps() {
        ObjectNode out = Bodies.JSON.createObjectNode();
        ArrayNode models = out.putArray("models");
        for (String model : directory.liveModels()) {
            ModelCatalog.Facts facts = catalog.facts(model);
            ObjectNode entry = models.addObject();
            entry.put("name", model);
            entry.put("model", model);
            entry.put("size", facts.sizeBytes());
            entry.put("digest", facts.sha256());
            entry.set("details", details(facts));
            // Workers keep their model loaded for as long as they run: a far expiry, as Ollama shows keep_alive -1.
            entry.put("expires_at", OllamaTranslation.timestamp(clock.instant().plus(Duration.ofDays(3650))));
            entry.put("size_vram", 0L);
            entry.put("context_length", facts.contextLength());
        }
        return out;
    }

    @PostMapping(value = "/api/show", produces = "application/json")
    @Operation(summary = "A model's details")
    ObjectNode show(HttpServletRequest request) throws IOException {
        ObjectNode body = Bodies.readObject(request, maxBodyBytes);
        String model = OllamaTranslation.model(body);
        if (!directory.knows(model)) {
            throw new GatewayException(404, "not_found", "model '" + model + "' not found");
        }
        ModelCatalog.Facts facts = catalog.facts(model);
        ObjectNode out = Bodies.JSON.createObjectNode();
        out.put("modelfile", "");
        out.put("parameters", "");
        out.put("template", "");
        out.set("details", details(facts));
        ObjectNode info = out.putObject("model_info");
        info.put("general.architecture", facts.architecture());
        info.put("general.parameter_count", Math.round(facts.parametersBillions() * 1e9));
        if (facts.contextLength() > 0 && !facts.architecture().isEmpty()) {
            info.put(facts.architecture() + ".context_length", facts.contextLength());
        }
        out.putArray("capabilities").add("completion");
        out.put("modified_at", OllamaTranslation.timestamp(clock.instant()));
        return out;
    }

    @PostMapping("/api/generate")
    @Operation(summary = "Generate a completion (NDJSON stream by default)")
    @DirectHandler
    void generate(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode body = Bodies.readObject(request, maxBodyBytes);
        String model = OllamaTranslation.model(body);
        JsonNode prompt = body.path("prompt");
        if (prompt.isMissingNode() || prompt.isNull() || (prompt.isString() && prompt.asString().isEmpty())) {
            // Ollama's "load the model" call: answer done at once when a worker serves it.
            if (directory.candidates(model).isEmpty()) {
                throw directory.knows(model)
                        ? new GatewayException(503, "service_unavailable", "no live worker serves model '" + model + "'", 5, null)
                        : new GatewayException(404, "not_found", "model '" + model + "' not found");
            }
            ObjectNode loaded = OllamaTranslation.piece(false, model, clock.instant(), "");
            loaded.put("done", true);
            loaded.put("done_reason", "load");
            writeJson(response, loaded);
            return;
        }
        ObjectNode openai = OllamaTranslation.generateRequest(body);
        relay(request, response, body, openai, false, "/v1/completions", Prompts.completion(openai));
    }

    @PostMapping("/api/chat")
    @Operation(summary = "Chat (NDJSON stream by default)")
    @DirectHandler
    void chat(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode body = Bodies.readObject(request, maxBodyBytes);
        ObjectNode openai = OllamaTranslation.chatRequest(body);
        relay(request, response, body, openai, true, "/v1/chat/completions", Prompts.chat(openai));
    }

    private void relay(HttpServletRequest request, HttpServletResponse response, ObjectNode ollama, ObjectNode openai,
            boolean chat, String path, String prompt) throws IOException {
        boolean stream = OllamaTranslation.streams(ollama);
        String model = openai.path("model").asString();
        Dispatcher.Routed routed = dispatcher.open(request, "ollama", model, prompt, path,
                Bodies.JSON.writeValueAsBytes(openai));
        var upstream = routed.upstream();
        if (upstream.status() != 200) {
            byte[] error;
            try (upstream; InputStream in = upstream.body()) {
                error = in.readAllBytes();
            }
            dispatcher.finish(routed, "worker_" + upstream.status());
            throw new GatewayException(upstream.status(), "worker_error",
                    OllamaTranslation.errorMessage(error, upstream.status()), 0, null);
        }
        response.setHeader("X-Request-Id", routed.requestId());
        response.setContentType(stream ? "application/x-ndjson" : "application/json");
        Translated t = new Translated();
        String outcome = SseRelay.End.UPSTREAM_BROKEN.label();
        try {
            ServletOutputStream out = response.getOutputStream();
            SseRelay.End end = relay.relay(upstream, event -> {
                String text = t.take(SseEvents.data(event), chat);
                if (t.usageSeen && !t.charged) {
                    t.charged = true;
                    dispatcher.charge(routed, t.promptTokens + t.completionTokens); // before the done line
                }
                if (text.isEmpty()) {
                    return;
                }
                if (stream) {
                    writeLine(out, OllamaTranslation.piece(chat, routed.model(), clock.instant(), text));
                } else {
                    t.all.append(text);
                }
            });
            outcome = end.label();
            if (end == SseRelay.End.COMPLETE) {
                long now = System.nanoTime();
                long first = t.firstTokenNanos == 0 ? now : t.firstTokenNanos;
                var stats = new OllamaTranslation.Stats(t.promptTokens, t.completionTokens, now - routed.startedNanos(),
                        first - routed.startedNanos(), now - first);
                ObjectNode last = OllamaTranslation.done(chat, routed.model(), clock.instant(),
                        stream ? "" : t.all.toString(), t.finish, stats);
                try {
                    writeLine(out, last);
                } catch (IOException clientGone) {
                    outcome = SseRelay.End.CLIENT_CANCELLED.label();
                }
            } else if (end != SseRelay.End.CLIENT_CANCELLED && stream) {
                try {
                    ObjectNode error = Bodies.JSON.createObjectNode();
                    error.put("error", "the worker stopped answering mid-stream (" + outcome.toLowerCase(Locale.ROOT) + ")");
                    writeLine(out, error);
                } catch (IOException ignored) {
                    // client gone as well
                }
            }
        } finally {
            if (!t.charged) {
                dispatcher.charge(routed, t.promptTokens + t.completionTokens);
            }
            dispatcher.finish(routed, outcome);
        }
    }

    /** What the OpenAI chunks said so far: usage, finish reason, when the first text came, the text if whole. */
    private static final class Translated {
        final StringBuilder all = new StringBuilder();
        String finish;
        long promptTokens;
        long completionTokens;
        long firstTokenNanos;
        boolean usageSeen;
        boolean charged;

        /** Takes one chunk's data in; returns its text ("" when none). */
        String take(String data, boolean chat) {
            if (data.isEmpty() || data.equals("[DONE]")) {
                return "";
            }
            JsonNode chunk;
            try {
                chunk = Bodies.JSON.readTree(data);
            } catch (JacksonException e) {
                return "";
            }
            JsonNode usage = chunk.path("usage");
            if (usage.isObject()) {
                usageSeen = true;
                promptTokens = usage.path("prompt_tokens").asLong(promptTokens);
                completionTokens = usage.path("completion_tokens").asLong(completionTokens);
            }
            String reason = OllamaTranslation.finishReason(chunk);
            if (reason != null) {
                finish = reason;
            }
            String text = OllamaTranslation.chunkText(chunk, chat);
            if (!text.isEmpty() && firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            return text;
        }
    }

    private static void writeLine(ServletOutputStream out, ObjectNode line) throws IOException {
        out.write(Bodies.JSON.writeValueAsBytes(line));
        out.write('\n');
        out.flush();
    }

    private static void writeJson(HttpServletResponse response, ObjectNode body) throws IOException {
        byte[] bytes = Bodies.JSON.writeValueAsBytes(body);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static ObjectNode details(ModelCatalog.Facts facts) {
        ObjectNode d = Bodies.JSON.createObjectNode();
        d.put("parent_model", "");
        d.put("format", "gguf");
        d.put("family", facts.family());
        ArrayNode families = d.putArray("families");
        if (!facts.family().isEmpty()) {
            families.add(facts.family());
        }
        d.put("parameter_size", facts.parametersBillions() > 0 ? parameterSize(facts.parametersBillions()) : "");
        d.put("quantization_level", facts.quantType());
        return d;
    }

    /** Ollama's style: "8.0B", "135M". */
    static String parameterSize(double billions) {
        return billions >= 1 ? String.format(Locale.ROOT, "%.1fB", billions)
                : String.format(Locale.ROOT, "%.0fM", billions * 1000);
    }
}
