package dev.quanta.worker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Request and response shapes of the OpenAI endpoints over real HTTP, with a scripted engine (so every chunk is
 * known in advance): SSE framing, chunk objects, usage, errors, cancellation on disconnect.
 */
class OpenAiApiTest extends FakeEngineWorkerTest {

    @Test
    void servesACompletionInOpenAisShape() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions",
                "{\"model\":\"tiny\",\"prompt\":\"Hello\",\"max_tokens\":5}", "X-Request-Id", "abc-123");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("abc-123");
        JsonNode o = Http.json(r);
        assertThat(o.get("id").stringValue()).isEqualTo("cmpl-abc-123");
        assertThat(o.get("object").stringValue()).isEqualTo("text_completion");
        assertThat(o.get("model").stringValue()).isEqualTo("tiny");
        assertThat(o.get("created").isIntegralNumber()).isTrue();
        JsonNode choice = o.get("choices").get(0);
        assertThat(choice.get("index").intValue()).isZero();
        assertThat(choice.get("text").stringValue()).isEqualTo(engine.scriptText(5));
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").stringValue()).isEqualTo("length");
        JsonNode usage = o.get("usage");
        assertThat(usage.get("completion_tokens").intValue()).isEqualTo(5);
        assertThat(usage.get("total_tokens").intValue())
                .isEqualTo(usage.get("prompt_tokens").intValue() + 5);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void generatesARequestIdWhenNoneIsGiven() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":\"Hello\",\"max_tokens\":1}");
        String id = r.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(Http.json(r).get("id").stringValue()).isEqualTo("cmpl-" + id);
    }

    @Test
    void streamsCompletionChunksThenUsageThenDone() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":\"Hello\",\"max_tokens\":4,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = Http.events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http.JSON::readTree).toList();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks.subList(0, chunks.size() - 1)) {
            assertThat(c.get("object").stringValue()).isEqualTo("text_completion");
            assertThat(c.get("usage").isNull()).isTrue();
            assertThat(c.get("choices")).hasSize(1);
            text.append(c.get("choices").get(0).get("text").stringValue());
        }
        assertThat(text.toString()).isEqualTo(engine.scriptText(4));
        JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
        assertThat(finish.get("finish_reason").stringValue()).isEqualTo("length");
        JsonNode usage = chunks.getLast();
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").intValue()).isEqualTo(4);
        assertThat(usage.get("usage").get("prompt_tokens_details").get("cached_tokens").intValue()).isEqualTo(3);
    }

    @Test
    void eachStreamedChunkReachesTheClientWhileTheRequestIsStillGenerating() throws Exception {
        // the engine holds the stream after its first token until the client has read that token: a response
        // buffered anywhere on the way (Spring 7 ignores flush() on StreamingResponseBody's stream unless
        // spring.http.response.flush.enabled is set) never delivers it, and the read below times out
        var hold = new java.util.concurrent.CountDownLatch(1);
        engine.holdAfterFirstToken = hold;
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var opened = pool.submit(() -> {
                HttpResponse<java.io.InputStream> r = http.postStream("/v1/completions",
                        "{\"prompt\":\"Hello\",\"max_tokens\":3,\"stream\":true}");
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                        java.nio.charset.StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("data: ")) {
                        return java.util.Map.entry(line, reader);
                    }
                }
                return java.util.Map.entry("", reader);
            });
            // headers and the first event must arrive while the engine still holds the request (no buffering)
            var opening = opened.get(30, java.util.concurrent.TimeUnit.SECONDS);
            String first = opening.getKey();
            var in = opening.getValue();
            assertThat(first).contains("\"text_completion\"");
            assertThat(engine.active.get()).as("the request is still generating").isEqualTo(1);
            hold.countDown();
            StringBuilder rest = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                rest.append(line).append('\n');
            }
            assertThat(rest.toString()).endsWith("data: [DONE]\n\n");
        } finally {
            hold.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void streamsWithoutUsageFieldsUnlessAsked() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":\"Hello\",\"max_tokens\":2,\"stream\":true}");
        List<String> events = Http.events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        for (String e : events.subList(0, events.size() - 1)) {
            assertThat(Http.JSON.readTree(e).has("usage")).isFalse();
        }
    }

    @Test
    void streamsChatAsRoleThenContentThenAnEmptyFinishDelta() throws Exception {
        HttpResponse<String> r = http.post("/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Hi\"}]}],\"max_completion_tokens\":3,\"stream\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> events = Http.events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(Http.JSON::readTree).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.get("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").stringValue()).startsWith("chatcmpl-");
        });
        JsonNode first = chunks.getFirst().get("choices").get(0).get("delta");
        assertThat(first.get("role").stringValue()).isEqualTo("assistant");
        assertThat(first.get("content").stringValue()).isEmpty();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks.subList(1, chunks.size() - 1)) {
            text.append(c.get("choices").get(0).get("delta").get("content").stringValue());
        }
        assertThat(text.toString()).isEqualTo(engine.scriptText(3));
        JsonNode last = chunks.getLast().get("choices").get(0);
        assertThat(last.get("delta").isEmpty()).isTrue();
        assertThat(last.get("finish_reason").stringValue()).isEqualTo("length");
        // the chat template was applied: the engine saw more than the bare user text
        assertThat(engine.submitted.getFirst().promptTokens().length).isGreaterThan(5);
    }

    @Test
    void servesChatWithLogprobsInOpenAisShape() throws Exception {
        HttpResponse<String> r = http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"max_tokens\":2,\"logprobs\":true,\"top_logprobs\":2,\"n\":2}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode o = Http.json(r);
        assertThat(o.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(o.get("choices")).hasSize(2);
        JsonNode choice = o.get("choices").get(1);
        assertThat(choice.get("index").intValue()).isEqualTo(1);
        assertThat(choice.get("message").get("role").stringValue()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").stringValue()).isEqualTo(engine.scriptText(2));
        JsonNode content = choice.get("logprobs").get("content");
        assertThat(content).hasSize(2);
        JsonNode entry = content.get(0);
        assertThat(entry.get("logprob").floatValue()).isEqualTo(-0.25f);
        assertThat(entry.get("bytes").isArray()).isTrue();
        assertThat(entry.get("top_logprobs")).hasSize(2);
        assertThat(engine.submitted.getFirst().topLogprobs()).isEqualTo(2);
        assertThat(engine.submitted.getFirst().n()).isEqualTo(2);
    }

    @Test
    void echoesThePromptWithItsLogprobs() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions",
                "{\"prompt\":\"Hello\",\"max_tokens\":2,\"echo\":true,\"logprobs\":1}");
        JsonNode choice = Http.json(r).get("choices").get(0);
        assertThat(choice.get("text").stringValue()).isEqualTo("Hello" + engine.scriptText(2));
        JsonNode lp = choice.get("logprobs");
        int prompt = engine.submitted.getFirst().promptTokens().length;
        assertThat(engine.submitted.getFirst().promptLogprobs()).isTrue();
        assertThat(lp.get("tokens")).hasSize(prompt + 2);
        assertThat(lp.get("token_logprobs").get(0).isNull()).isTrue();
        assertThat(lp.get("token_logprobs").get(1).floatValue()).isEqualTo(-1.5f);
        assertThat(lp.get("top_logprobs").get(prompt).size()).isGreaterThanOrEqualTo(1);
        assertThat(lp.get("text_offset")).hasSize(prompt + 2);
    }

    @Test
    void passesEverySamplingFieldToTheEngine() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":[1,5,9],\"max_tokens\":7,"
                + "\"temperature\":0.7,\"top_p\":0.9,\"top_k\":40,\"min_p\":0.05,\"repetition_penalty\":1.1,"
                + "\"presence_penalty\":0.5,\"frequency_penalty\":-0.5,\"logit_bias\":{\"13\":-100,\"7\":2.5},"
                + "\"seed\":42,\"stop\":[\"\\n\\n\",\"The end\"],\"stop_token_ids\":[2],\"ignore_eos\":true,"
                + "\"min_tokens\":3,\"cache_salt\":\"s\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        var req = engine.submitted.getFirst();
        assertThat(req.promptTokens()).containsExactly(1, 5, 9);
        var s = req.sampling();
        assertThat(s.temperature()).isEqualTo(0.7f);
        assertThat(s.topP()).isEqualTo(0.9f);
        assertThat(s.topK()).isEqualTo(40);
        assertThat(s.minP()).isEqualTo(0.05f);
        assertThat(s.repetitionPenalty()).isEqualTo(1.1f);
        assertThat(s.presencePenalty()).isEqualTo(0.5f);
        assertThat(s.frequencyPenalty()).isEqualTo(-0.5f);
        assertThat(s.logitBias()).containsEntry(13, -100f).containsEntry(7, 2.5f);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(req.stop().maxTokens()).isEqualTo(7);
        assertThat(req.stop().minTokens()).isEqualTo(3);
        assertThat(req.stop().stop()).containsExactly("\n\n", "The end");
        assertThat(req.stop().stopTokenIds()).containsExactly(2);
        assertThat(req.stop().ignoreEos()).isTrue();
        assertThat(req.cacheSalt()).isEqualTo("s");
        assertThat(req.topLogprobs()).isEqualTo(-1);
    }

    @Test
    void defaultsMaxTokensAsOpenAiDoes() throws Exception {
        http.post("/v1/completions", "{\"prompt\":\"Hello\"}");
        http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(engine.submitted.get(0).stop().maxTokens()).isEqualTo(16);
        var chat = engine.submitted.get(1);
        assertThat(chat.stop().maxTokens()).isEqualTo(512 - chat.promptTokens().length);
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() throws Exception {
        http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":9,\"max_completion_tokens\":4}");
        assertThat(engine.submitted.getFirst().stop().maxTokens()).isEqualTo(4);
    }

    @Test
    void refusesWithA429AndRetryAfterWhenTheQueueIsFull() throws Exception {
        engine.queueFull = true;
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":\"Hello\"}");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(Http.json(r).get("error").get("type").stringValue()).isEqualTo("rate_limit_error");
    }

    @Test
    void cancelsTheRequestWhenTheClientDisconnects() throws Exception {
        engine.tokenDelayMillis = 20;
        HttpResponse<InputStream> r = http.postStream("/v1/completions",
                "{\"prompt\":\"Hello\",\"max_tokens\":400,\"stream\":true}");
        try (InputStream in = r.body()) {
            byte[] first = new byte[64];
            assertThat(in.read(first)).isPositive();
        }
        for (int i = 0; i < 400 && engine.cancels.get() == 0; i++) {
            Thread.sleep(25);
        }
        assertThat(engine.cancels.get()).isEqualTo(1);
    }

    @Test
    void reportsAnEngineFailureMidStreamAsAnErrorEvent() throws Exception {
        engine.failAfterFirstToken = true;
        HttpResponse<String> r = http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}],\"stream\":true}");
        List<String> events = Http.events(r.body());
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode error = Http.JSON.readTree(events.get(events.size() - 2)).get("error");
        assertThat(error.get("type").stringValue()).isEqualTo("server_error");
        assertThat(error.get("message").stringValue()).contains("scripted failure");
    }

    @Test
    void answersAnEngineFailureWithoutStreamingAs500() throws Exception {
        engine.failAfterFirstToken = true;
        HttpResponse<String> r = http.post("/v1/completions", "{\"prompt\":\"Hi\"}");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(Http.json(r).get("error").get("message").stringValue()).contains("scripted failure");
    }

    @Test
    void listsTheServedModel() throws Exception {
        JsonNode o = Http.json(http.get("/v1/models"));
        assertThat(o.get("object").stringValue()).isEqualTo("list");
        JsonNode m = o.get("data").get(0);
        assertThat(m.get("id").stringValue()).isEqualTo("tiny");
        assertThat(m.get("object").stringValue()).isEqualTo("model");
        assertThat(m.get("max_model_len").intValue()).isEqualTo(512);
    }

    @Test
    void tokenizesAndDetokenizesInVllmsShapes() throws Exception {
        JsonNode t = Http.json(http.post("/tokenize", "{\"model\":\"tiny\",\"prompt\":\"Hello world\"}"));
        assertThat(t.get("count").intValue()).isEqualTo(t.get("tokens").size());
        assertThat(t.get("max_model_len").intValue()).isEqualTo(512);
        assertThat(t.get("tokens").get(0).intValue()).isEqualTo(engine.tokenizer().bos());
        String ids = t.get("tokens").toString();
        JsonNode d = Http.json(http.post("/detokenize", "{\"model\":\"tiny\",\"tokens\":" + ids + "}"));
        assertThat(d.get("prompt").stringValue()).isEqualTo("Hello world");
        JsonNode chat = Http.json(http.post("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
        assertThat(chat.get("count").intValue()).isGreaterThan(3);
    }

    @Test
    void answersTheWorkersOwnEndpointsWithProblemDetails() throws Exception {
        HttpResponse<String> r = http.post("/tokenize", "{\"prompt\":5}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode p = Http.json(r);
        assertThat(p.get("type").stringValue()).isEqualTo("https://quanta.dev/problems/validation");
        assertThat(p.get("status").intValue()).isEqualTo(400);
        assertThat(p.get("field").stringValue()).isEqualTo("prompt");
        assertThat(p.get("detail").stringValue()).contains("prompt");
        HttpResponse<String> m = http.post("/detokenize", "{\"tokens\":[1,99999]}");
        assertThat(m.statusCode()).isEqualTo(400);
        assertThat(Http.json(m).get("field").stringValue()).isEqualTo("tokens[1]");
    }

    @Test
    void exposesVllmMetricNamesWithTheModelLabel() throws Exception {
        http.post("/v1/completions", "{\"prompt\":\"Hello\",\"max_tokens\":3}");
        HttpResponse<String> r = http.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        String body = r.body();
        assertThat(body).contains(
                "vllm:num_requests_running{model_name=\"tiny\"} ",
                "vllm:num_requests_waiting{model_name=\"tiny\"} 0.0",
                "vllm:kv_cache_usage_perc{model_name=\"tiny\"} ",
                "vllm:prefix_cache_queries_total{model_name=\"tiny\"} 10.0",
                "vllm:prefix_cache_hits_total{model_name=\"tiny\"} 4.0",
                "vllm:cache_config_info{model_name=\"tiny\",block_size=\"16\",num_gpu_blocks=\"100\"} 1.0",
                "vllm:prompt_tokens_total{model_name=\"tiny\"} 20.0",
                "vllm:generation_tokens_total{model_name=\"tiny\"} 30.0",
                "vllm:num_preemptions_total{model_name=\"tiny\"} 1.0",
                "# TYPE vllm:time_to_first_token_seconds histogram",
                "vllm:time_to_first_token_seconds_bucket{model_name=\"tiny\",le=\"+Inf\"} ",
                "vllm:inter_token_latency_seconds_count{model_name=\"tiny\"} ",
                "vllm:e2e_request_latency_seconds_sum{model_name=\"tiny\"} ");
        long ttft = count(body, "vllm:time_to_first_token_seconds_count");
        long itl = count(body, "vllm:inter_token_latency_seconds_count");
        assertThat(ttft).isPositive();
        assertThat(itl).isGreaterThanOrEqualTo(2);
    }

    private static long count(String exposition, String name) {
        return exposition.lines().filter(l -> l.startsWith(name + "{")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new UncheckedIOException(new IOException("no " + name)));
    }
}
