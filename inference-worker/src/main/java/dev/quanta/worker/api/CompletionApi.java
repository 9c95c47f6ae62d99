package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.sampling.TokenLogProb;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/completions} without Spring: the request read and checked, the engine request built, the
 * response (one object, or {@code text_completion} chunks) shaped as OpenAI's. Legacy {@code logprobs} (an
 * integer: the chosen token's log-probability plus that many alternatives) and {@code echo} (the prompt and, with
 * logprobs, its log-probabilities in front of the completion) as OpenAI and vLLM answer them.
 */
public final class CompletionApi {

    /** OpenAI's default {@code max_tokens} for completions. */
    static final int DEFAULT_MAX_TOKENS = 16;

    private final ServedModel model;
    private final ServingMetrics metrics;

    public CompletionApi(ServedModel model, ServingMetrics metrics) {
        this.model = model;
        this.metrics = metrics;
    }

    /** A checked request, ready to submit. */
    public record Prepared(String id, long created, EngineRequest request, GenerationOptions options, boolean echo,
                           String echoText) {}

    public Prepared prepare(JsonNode body, String requestId) {
        Fields f = new Fields(body);
        model.check(f.string("model", null));
        if (f.has("suffix")) {
            throw OpenAiException.invalid("suffix", "'suffix' is not supported.");
        }
        int vocab = model.tokenizer().vocabSize();
        int logprobs = f.has("logprobs") ? (int) f.integer("logprobs", 0, 0, EngineRequest.MAX_TOP_LOGPROBS) : -1;
        boolean echo = f.bool("echo", false);
        GenerationOptions options = GenerationOptions.read(f, vocab, logprobs);
        PromptInput prompt = PromptInput.read(f.node("prompt"), model.tokenizer());
        String id = "cmpl-" + requestId;
        EngineRequest request = options.toEngineRequest(id, prompt.tokens(), model.engine().maxModelLen(),
                DEFAULT_MAX_TOKENS, echo && logprobs >= 0);
        return new Prepared(id, System.currentTimeMillis() / 1000, request, options, echo,
                echo ? prompt.text() : null);
    }

    public Generation start(Prepared p) {
        return Generation.start(model.engine(), p.request(), metrics);
    }

    /** The whole response as one {@code text_completion} object. */
    public ObjectNode complete(Prepared p, Generation g) throws InterruptedException {
        Collected c = Collected.of(g);
        ObjectNode root = header(p, "text_completion");
        ArrayNode choices = root.putArray("choices");
        for (int i = 0; i < c.choices.length; i++) {
            Collected.Choice ch = c.choices[i];
            ObjectNode o = choices.addObject();
            o.put("index", i);
            String text = ch.text.toString();
            o.put("text", p.echo() ? p.echoText() + text : text);
            if (p.options().topLogprobs() >= 0) {
                LegacyLogprobs lp = new LegacyLogprobs();
                if (p.echo()) {
                    lp.addPrompt(p.request().promptTokens(), c.promptLogprobs);
                }
                ch.tokens.forEach(lp::add);
                o.set("logprobs", lp.node);
            } else {
                o.putNull("logprobs");
            }
            o.put("finish_reason", ch.finish == null ? null : ch.finish.apiName());
        }
        root.set("usage", Json.usage(c.usage));
        return root;
    }

    /** Streams {@code text_completion} chunks, then the usage chunk when asked, then {@code [DONE]}. */
    public void stream(Prepared p, Generation g, ChunkSink sink) throws IOException, InterruptedException {
        boolean usage = p.options().includeUsage();
        boolean logprobs = p.options().topLogprobs() >= 0;
        List<TokenLogProb[]> promptLogprobs = null;
        boolean[] started = new boolean[p.request().n()];
        Usage last = null;
        for (Generation.Event e; (e = g.next()) != null; ) {
            switch (e) {
                case Generation.PromptLogprobs pl -> promptLogprobs = pl.perToken();
                case Generation.Token t -> {
                    TokenOutput out = t.output();
                    LegacyLogprobs lp = logprobs ? new LegacyLogprobs() : null;
                    String text = out.text();
                    if (!started[out.index()]) {
                        started[out.index()] = true;
                        if (p.echo()) {
                            text = p.echoText() + text;
                            if (lp != null) {
                                lp.addPrompt(p.request().promptTokens(), promptLogprobs);
                            }
                        }
                    }
                    if (lp != null) {
                        lp.add(out);
                    }
                    if (!text.isEmpty() || lp != null) {
                        sink.send(chunk(p, out.index(), text, lp, null, usage));
                    }
                }
                case Generation.Finished f -> {
                    String text = f.text();
                    if (!started[f.index()] && p.echo()) {
                        started[f.index()] = true;
                        text = p.echoText() + text;
                    }
                    sink.send(chunk(p, f.index(), text, null, f.reason().apiName(), usage));
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
            ObjectNode u = header(p, "text_completion");
            u.putArray("choices");
            u.set("usage", Json.usage(last != null ? last : new Usage(p.request().promptTokens().length, 0, 0)));
            sink.send(u);
        }
        sink.done();
    }

    private ObjectNode chunk(Prepared p, int index, String text, LegacyLogprobs lp, String finish, boolean usage) {
        ObjectNode root = header(p, "text_completion");
        ObjectNode o = root.putArray("choices").addObject();
        o.put("index", index);
        o.put("text", text);
        if (lp != null) {
            o.set("logprobs", lp.node);
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

    /** OpenAI's legacy logprobs object: parallel arrays, {@code text_offset} counted in characters. */
    private final class LegacyLogprobs {
        final ObjectNode node = Json.object();
        final ArrayNode tokens = node.putArray("tokens");
        final ArrayNode tokenLogprobs = node.putArray("token_logprobs");
        final ArrayNode top = node.putArray("top_logprobs");
        final ArrayNode offsets = node.putArray("text_offset");
        int offset;

        void addPrompt(int[] prompt, List<TokenLogProb[]> perToken) {
            for (int i = 0; i < prompt.length; i++) {
                TokenLogProb[] entry = perToken != null && i < perToken.size() ? perToken.get(i) : null;
                if (entry == null || entry.length == 0) {
                    append(prompt[i]);
                    tokenLogprobs.addNull();
                    top.addNull();
                } else {
                    append(prompt[i]);
                    tokenLogprobs.add(entry[0].logprob());
                    ObjectNode alternatives = top.addObject();
                    for (TokenLogProb t : entry) {
                        String s = model.tokenString(t.id());
                        if (!alternatives.has(s)) {
                            alternatives.put(s, t.logprob());
                        }
                    }
                }
            }
        }

        void add(TokenOutput out) {
            append(out.tokenId());
            tokenLogprobs.add(out.logprob());
            ObjectNode alternatives = top.addObject();
            for (TokenLogProb t : out.topLogprobs()) {
                alternatives.put(model.tokenString(t.id()), t.logprob());
            }
            String chosen = model.tokenString(out.tokenId());
            if (!alternatives.has(chosen)) {
                alternatives.put(chosen, out.logprob());
            }
        }

        private void append(int id) {
            String s = model.tokenString(id);
            tokens.add(s);
            offsets.add(offset);
            offset += s.length();
        }
    }
}
