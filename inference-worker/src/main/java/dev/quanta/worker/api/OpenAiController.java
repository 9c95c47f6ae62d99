package dev.quanta.worker.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's endpoints. Bodies are read as text and parsed here, so a malformed body or a missing content type gets
 * OpenAI's 400 rather than a framework error. Admission (429, 400 context, 503) is decided before any byte of a
 * stream is written; a stream runs on the MVC async executor (virtual threads) and a client that goes away is
 * noticed at the next write, which cancels its request.
 */
@RestController
class OpenAiController {

    private final WorkerState state;

    OpenAiController(WorkerState state) {
        this.state = state;
    }

    @PostMapping("/v1/completions")
    ResponseEntity<StreamingResponseBody> completions(HttpServletRequest request)
            throws InterruptedException, IOException {
        CompletionApi api = new CompletionApi(state.serving(), state.metrics());
        CompletionApi.Prepared p = api.prepare(Json.parse(Bodies.read(request)), RequestIdFilter.of(request));
        Generation g = api.start(p);
        if (p.options().stream()) {
            return sse(g, sink -> api.stream(p, g, sink));
        }
        return json(g, () -> api.complete(p, g));
    }

    @PostMapping("/v1/chat/completions")
    ResponseEntity<StreamingResponseBody> chat(HttpServletRequest request)
            throws InterruptedException, IOException {
        ChatApi api = new ChatApi(state.serving(), state.metrics());
        ChatApi.Prepared p = api.prepare(Json.parse(Bodies.read(request)), RequestIdFilter.of(request));
        Generation g = api.start(p);
        if (p.options().stream()) {
            return sse(g, sink -> api.stream(p, g, sink));
        }
        return json(g, () -> api.complete(p, g));
    }

    @GetMapping("/v1/models")
    ObjectNode models() {
        ServedModel m = state.serving();
        ObjectNode root = Json.object().put("object", "list");
        ObjectNode model = root.putArray("data").addObject();
        model.put("id", m.name());
        model.put("object", "model");
        model.put("created", m.createdAt());
        model.put("owned_by", "quanta");
        model.put("root", m.engine().model().path().getFileName().toString());
        model.putNull("parent");
        model.put("max_model_len", m.engine().maxModelLen());
        return root;
    }

    private interface Streamer {
        void stream(ChunkSink sink) throws IOException, InterruptedException;
    }

    private interface Completer {
        ObjectNode complete() throws InterruptedException;
    }

    /**
     * Waits for the whole response here (so a failure can still be a 500), then hands the bytes over. NOTE: one
     * return type for both shapes: Spring picks the streaming return-value handler from the declared type.
     */
    private static ResponseEntity<StreamingResponseBody> json(Generation g, Completer c)
            throws InterruptedException {
        boolean done = false;
        try {
            byte[] response = Json.MAPPER.writeValueAsBytes(c.complete());
            done = true;
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).contentLength(response.length)
                    .body(out -> out.write(response));
        } finally {
            if (!done) {
                g.cancel();
            }
        }
    }

    private static ResponseEntity<StreamingResponseBody> sse(Generation g, Streamer s) {
        StreamingResponseBody body = out -> {
            boolean done = false;
            try {
                s.stream(new SseSink(out));
                done = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client went away (or its connection broke): nothing left to answer
            } finally {
                if (!done) {
                    g.cancel();
                }
            }
        };
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                .cacheControl(CacheControl.noCache()).header("X-Accel-Buffering", "no").body(body);
    }
}
