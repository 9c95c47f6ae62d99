package dev.quanta.gateway.openai;

import dev.quanta.edge.EdgeProperties;
import dev.quanta.gateway.discovery.WorkerDirectory;
import dev.quanta.gateway.proxy.Dispatcher;
import dev.quanta.gateway.proxy.InferenceBody;
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
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's API, proxied to the workers: completions and chat (streamed event by event, or whole), and the
 * model list as the union of the live workers' models.
 */
@RestController
@Tag(name = "OpenAI", description = "OpenAI-compatible API (Bearer API key)")
class OpenAiController {

    private final Dispatcher dispatcher;
    private final WorkerDirectory directory;
    private final SseRelay relay;
    private final long maxBodyBytes;
    private final long startedAt = Instant.now().getEpochSecond();

    OpenAiController(Dispatcher dispatcher, WorkerDirectory directory, SseRelay relay, EdgeProperties edge) {
        this.dispatcher = dispatcher;
        this.directory = directory;
        this.relay = relay;
        this.maxBodyBytes = edge.maxBodyBytes();
    }

    @GetMapping(value = "/v1/models", produces = "application/json")
    @Operation(summary = "Models served by at least one live worker")
    ObjectNode models() {
        ObjectNode list = Bodies.JSON.createObjectNode();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String model : directory.liveModels()) {
            JsonNode card = directory.modelCard(model);
            if (card != null) {
                data.add(card);
            } else {
                ObjectNode entry = data.addObject();
                entry.put("id", model);
                entry.put("object", "model");
                entry.put("created", startedAt);
                entry.put("owned_by", "quanta");
            }
        }
        return list;
    }

    @PostMapping("/v1/completions")
    @Operation(summary = "Text completion, streamed (SSE) or whole, on a worker of the model")
    @DirectHandler
    void completions(HttpServletRequest request, HttpServletResponse response) throws IOException {
        proxy(request, response, "/v1/completions", InferenceBody.Kind.COMPLETION);
    }

    @PostMapping("/v1/chat/completions")
    @Operation(summary = "Chat completion, streamed (SSE) or whole, on a worker of the model")
    @DirectHandler
    void chat(HttpServletRequest request, HttpServletResponse response) throws IOException {
        proxy(request, response, "/v1/chat/completions", InferenceBody.Kind.CHAT);
    }

    /**
     * The client's body is read once and scanned for the few fields the gateway needs (no tree is built); it is
     * forwarded as sent unless the gateway has to add to it.
     */
    private void proxy(HttpServletRequest request, HttpServletResponse response, String path, InferenceBody.Kind kind)
            throws IOException {
        byte[] raw = Bodies.read(request, maxBodyBytes);
        InferenceBody body = InferenceBody.scan(Bodies.JSON, raw, kind);
        String model = body.model();
        if (model == null || model.isBlank()) {
            throw GatewayException.badRequest("'model' is required and must be a string", "model");
        }
        boolean stream = body.stream();
        boolean clientWantsUsage = body.includeUsage();
        if (stream && !clientWantsUsage) {
            // The gateway needs the usage to charge the key's token budget; the extra chunk is not passed on.
            ObjectNode tree = Bodies.parseObject(raw);
            ObjectNode options = tree.path("stream_options") instanceof ObjectNode o ? o : tree.putObject("stream_options");
            options.put("include_usage", true);
            raw = Bodies.JSON.writeValueAsBytes(tree);
        }
        Dispatcher.Routed routed = dispatcher.open(request, "openai", model, body.prompt(), path, raw);
        var upstream = routed.upstream();
        response.setStatus(upstream.status());
        String contentType = upstream.header("Content-Type");
        if (contentType != null) {
            response.setContentType(contentType);
        }
        response.setHeader("X-Request-Id", routed.requestId());
        if (stream && upstream.status() == 200) {
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            relayEvents(routed, response, !clientWantsUsage);
        } else {
            relayWhole(routed, response);
        }
    }

    /** Passes each event on as soon as it is complete; a usage-only chunk the client did not ask for is dropped. */
    private void relayEvents(Dispatcher.Routed routed, HttpServletResponse response, boolean dropUsageChunk)
            throws IOException {
        SseRelay.End end = SseRelay.End.UPSTREAM_BROKEN;
        try {
            end = relay.relay(routed.upstream(), event -> {
                String data = SseEvents.data(event);
                if (data.contains("\"usage\"") && !data.equals("[DONE]")) {
                    Usage usage = Usage.of(data);
                    if (usage != null) {
                        dispatcher.charge(routed, usage.total()); // before [DONE] reaches the client
                        if (dropUsageChunk && usage.choicesEmpty()) {
                            return;
                        }
                    }
                }
                ServletOutputStream out = response.getOutputStream();
                out.write(event);
                out.flush();
            });
        } finally {
            dispatcher.finish(routed, end.label());
        }
    }

    private void relayWhole(Dispatcher.Routed routed, HttpServletResponse response) throws IOException {
        byte[] bytes;
        try (var upstream = routed.upstream(); InputStream in = upstream.body()) {
            bytes = Bodies.readAll(in, upstream.contentLength());
        }
        int status = routed.upstream().status();
        if (status == 200) {
            Usage usage = Usage.of(bytes);
            dispatcher.charge(routed, usage == null ? 0 : usage.total()); // before the client has the answer
        }
        String outcome = status < 400 ? "ok" : "worker_" + status;
        try {
            response.setContentLength(bytes.length);
            response.getOutputStream().write(bytes);
            response.flushBuffer();
        } catch (IOException clientGone) {
            outcome = "client_cancelled";
        } finally {
            dispatcher.finish(routed, outcome);
        }
    }
}
