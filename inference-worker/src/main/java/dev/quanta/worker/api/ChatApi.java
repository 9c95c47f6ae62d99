package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.tokenizer.ChatTemplateException;
import dev.quanta.worker.tokenizer.ChatTemplates;
import dev.quanta.worker.tokenizer.Message;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/chat/completions} without Spring: messages rendered with the model's chat template, then the
 * same generation as completions; responses shaped as OpenAI's ({@code chat.completion}, or
 * {@code chat.completion.chunk} deltas: the role first, then content, then an empty delta with the finish
 * reason). {@code logprobs: true} with {@code top_logprobs: k} as OpenAI's chat logprobs.
 */
public final class ChatApi {

    private final ServedModel model;
    private final ServingMetrics metrics;

    public ChatApi(ServedModel model, ServingMetrics metrics) {
        this.model = model;
        this.metrics = metrics;
    }

    public record Prepared(String id, long created, EngineRequest request, GenerationOptions options) {}

    public Prepared prepare(JsonNode body, String requestId) {
        Fields f = new Fields(body);
        model.check(f.string("model", null));
        JsonNode tools = f.node("tools");
        if (tools != null && !(tools.isArray() && tools.isEmpty())) {
            throw OpenAiException.invalid("tools", "Tool calling is not supported.");
        }
        JsonNode format = f.node("response_format");
        if (format != null && !"text".equals(new Fields(format).string("type", "text"))) {
            throw OpenAiException.invalid("response_format", "Only response_format {\"type\": \"text\"} is supported.");
        }
        boolean logprobs = f.bool("logprobs", false);
        int top = (int) f.integer("top_logprobs", 0, 0, EngineRequest.MAX_TOP_LOGPROBS);
        if (f.has("top_logprobs") && !logprobs) {
            throw OpenAiException.invalid("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
        }
        GenerationOptions options = GenerationOptions.read(f, model.tokenizer().vocabSize(), logprobs ? top : -1);
        List<Message> messages = ChatMessages.read(f.node("messages"));
        String rendered;
        try {
            rendered = model.chatTemplate().render(messages, f.bool("add_generation_prompt", true));
        } catch (ChatTemplateException e) {
            throw OpenAiException.invalid("messages", "The chat template rejected the messages: " + e.getMessage());
        }
        int[] prompt = ChatTemplates.encodePrompt(model.tokenizer(), rendered);
        String id = "chatcmpl-" + requestId;
        EngineRequest request = options.toEngineRequest(id, prompt, model.engine().maxModelLen(), 0, false);
        return new Prepared(id, System.currentTimeMillis() / 1000, request, options);
    }

    public Generation start(Prepared p) {
        return Generation.start(model.engine(), p.request(), metrics);
    }

    public ObjectNode complete(Prepared p, Generation g) throws InterruptedException {
        Collected c = Collected.of(g);
        ObjectNode root = header(p, "chat.completion");
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < c.choices.length; i++) {
            Collected.Choice ch = c.choices[i];
            ObjectNode o = choices.addObject();
            o.put("index", i);
            ObjectNode message = o.putObject("message");
            message.put("role", "assistant");
            message.put("content", ch.text.toString());
            if (p.options().topLogprobs() >= 0) {
                ArrayNode content = o.putObject("logprobs").putArray("content");
                ch.tokens.forEach(t -> content.add(entry(t)));
            } else {
                o.putNull("logprobs");
            }
            o.put("finish_reason", ch.finish == null ? null : ch.finish.apiName());
        }
        root.set("usage", Json.usage(c.usage));
        return root;
    }

    public void stream(Prepared p, Generation g, ChunkSink sink) throws IOException, InterruptedException {
        boolean usage = p.options().includeUsage();
        boolean logprobs = p.options().topLogprobs() >= 0;
        for (int i = 0; i < p.request().n(); i++) {
            ObjectNode delta = Json.object().put("role", "assistant").put("content", "");
            sink.send(chunk(p, i, delta, null, null, usage));
        }
        Usage last = null;
        for (Generation.Event e; (e = g.next()) != null; ) {
            switch (e) {
                case Generation.PromptLogprobs ignored -> { }
                case Generation.Token t -> {
                    TokenOutput out = t.output();
                    if (!out.text().isEmpty() || logprobs) {
                        ArrayNode content = null;
                        if (logprobs) {
                            content = Json.array().add(entry(out));
                        }
                        sink.send(chunk(p, out.index(), Json.object().put("content", out.text()), content, null,
                                usage));
                    }
                }
                case Generation.Finished f -> {
                    if (!f.text().isEmpty()) {
                        sink.send(chunk(p, f.index(), Json.object().put("content", f.text()), null, null, usage));
                    }
                    sink.send(chunk(p, f.index(), Json.object(), null, f.reason().apiName(), usage));
                    last = f.usage();
                }
                case Generation.Failed f -> {
                    // OpenAI and vLLM report a failure mid-stream as an error event
                    sink.send(Json.error(OpenAiException.internal("generation failed: " + f.error().getMessage())));
                    sink.done();
                    return;
                }
            }
        }
        if (usage) {
            ObjectNode u = header(p, "chat.completion.chunk");
            u.putArray("choices");
            u.set("usage", Json.usage(last != null ? last : new Usage(p.request().promptTokens().length, 0, 0)));
            sink.send(u);
        }
        sink.done();
    }

    private ObjectNode chunk(Prepared p, int index, ObjectNode delta, ArrayNode logprobs, String finish,
                             boolean usage) {
        ObjectNode root = header(p, "chat.completion.chunk");
        ObjectNode o = root.putArray("choices").addObject();
        o.put("index", index);
        o.set("delta", delta);
        if (logprobs != null) {
            o.putObject("logprobs").set("content", logprobs);
        } else {
            o.putNull("logprobs");
        }
        o.put("finish_reason", finish);
        if (usage) {
            root.putNull("usage");
        }
        return root;
    }

    private ObjectNode header(Prepared p, String object) {
        ObjectNode root = Json.object();
        root.put("id", p.id());
        root.put("object", object);
        root.put("created", p.created());
        root.put("model", model.name());
        return root;
    }

    /** {@code {"token","logprob","bytes","top_logprobs":[{"token","logprob","bytes"}]}}. */
    private ObjectNode entry(TokenOutput out) {
        ObjectNode o = Json.object();
        o.put("token", model.tokenString(out.tokenId()));
        o.put("logprob", out.logprob());
        o.set("bytes", Json.bytes(model.tokenBytes(out.tokenId())));
        ArrayNode top = o.putArray("top_logprobs");
        for (TokenLogProb t : out.topLogprobs()) {
            top.addObject().put("token", model.tokenString(t.id())).put("logprob", t.logprob())
                    .set("bytes", Json.bytes(model.tokenBytes(t.id())));
        }
        return o;
    }
}
