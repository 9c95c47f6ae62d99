package dev.quanta.worker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.quanta.worker.config.WorkerApplication;
import dev.quanta.worker.model.GoldenFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The official OpenAI Java SDK against a worker started here on the real engine and the real stories260K model:
 * completions and chat, streaming and not, its error types for bad input, and other requests undisturbed.
 */
@SpringBootTest(classes = WorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"quanta.worker.served-model-name=stories", "quanta.worker.threads=2",
            "quanta.worker.kv-cache-gib=0.05"})
class WorkerIT {

    static final String MODEL = "stories";

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("quanta.worker.model", () -> GoldenFiles.model("stories260K").toString());
    }

    @LocalServerPort
    int port;

    OpenAIClient client;
    Http http;

    @BeforeEach
    void connect() throws Exception {
        http = new Http(port);
        for (int i = 0; i < 1200 && http.get("/health").statusCode() != 200; i++) {
            Thread.sleep(50);
        }
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("unused")
                .maxRetries(0).build();
    }

    private static CompletionCreateParams greedy(String prompt, int maxTokens) {
        return CompletionCreateParams.builder().model(MODEL).prompt(prompt).maxTokens(maxTokens).temperature(0.0)
                .build();
    }

    @Test
    void sdkCompletesAndStreamsTheSameGreedyText() {
        Completion whole = client.completions().create(greedy("Once upon a time", 24));
        String text = whole.choices().getFirst().text();
        assertThat(text).isNotBlank();
        assertThat(whole.model()).isEqualTo(MODEL);
        CompletionUsage usage = whole.usage().orElseThrow();
        assertThat(usage.completionTokens()).isBetween(1L, 24L);
        assertThat(usage.promptTokens()).isPositive();

        StringBuilder streamed = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(greedy("Once upon a time", 24))) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                streamed.append(c.text());
                c._finishReason().asKnown().ifPresent(f -> finishes.add(f.asString()));
            }));
        }
        assertThat(streamed.toString()).isEqualTo(text);
        assertThat(finishes).hasSize(1);
    }

    @Test
    void sdkChatsAndStreamsChatWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL)
                .addSystemMessage("You tell short stories.").addUserMessage("Tell me about a cat.")
                .maxCompletionTokens(20).temperature(0.0).build();
        ChatCompletion whole = client.chat().completions().create(params);
        String content = whole.choices().getFirst().message().content().orElseThrow();
        assertThat(whole.usage().orElseThrow().completionTokens()).isBetween(1L, 20L);

        ChatCompletionCreateParams streaming = params.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder streamed = new StringBuilder();
        AtomicReference<CompletionUsage> usage = new AtomicReference<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(streaming)) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
                chunk.usage().ifPresent(usage::set);
            });
        }
        assertThat(streamed.toString()).isEqualTo(content);
        assertThat(usage.get()).isNotNull();
        assertThat(usage.get().completionTokens()).isEqualTo(whole.usage().orElseThrow().completionTokens());
        // the same prompt again: its full blocks come from the prefix cache
        assertThat(usage.get().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow()).isPositive();
    }

    @Test
    void sdkSeesOpenAiErrorsForBadInput() {
        assertThatThrownBy(() -> client.completions().create(greedy("Hi", 4).toBuilder().temperature(7.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("temperature");
                });
        assertThatThrownBy(() -> client.completions().create(greedy("Hi", 4).toBuilder().model("gpt-4").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> client.completions().create(greedy("Hi", 100_000)))
                .isInstanceOfSatisfying(BadRequestException.class,
                        e -> assertThat(e.code()).hasValue("context_length_exceeded"));
        assertThatThrownBy(() -> client.completions().create(greedy("Hi", 4).toBuilder()
                .putAdditionalBodyProperty("top_k", JsonValue.from("many")).build()))
                .isInstanceOf(OpenAIServiceException.class);
    }

    @Test
    void badRequestsDoNotDisturbRunningStreams() throws Exception {
        CompletionCreateParams longRun = greedy("Once upon a time", 200).toBuilder()
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build();
        String alone = client.completions().create(longRun).choices().getFirst().text();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                streams.add(pool.submit(() -> {
                    StringBuilder s = new StringBuilder();
                    try (StreamResponse<Completion> r = client.completions().createStreaming(longRun)) {
                        r.stream().forEach(c -> c.choices().forEach(ch -> s.append(ch.text())));
                    }
                    return s.toString();
                }));
            }
            for (String body : List.of("{\"prompt\":", "{\"prompt\":\"a\",\"n\":99}", "{\"prompt\":[1,99999]}",
                    "{\"prompt\":\"a\",\"logit_bias\":{\"-1\":1}}", "{\"prompt\":\"a\",\"max_tokens\":-3}")) {
                assertThat(http.post("/v1/completions", body).statusCode()).isEqualTo(400);
            }
            for (Future<String> f : streams) {
                // greedy is batch invariant: the same text alone and among others
                assertThat(f.get()).isEqualTo(alone);
            }
        } finally {
            pool.shutdownNow();
        }
        awaitIdle();
        String metrics = http.get("/metrics").body();
        assertThat(metrics).contains("vllm:num_requests_running{model_name=\"stories\"} 0.0",
                "vllm:num_requests_waiting{model_name=\"stories\"} 0.0",
                "vllm:kv_cache_usage_perc{model_name=\"stories\"} 0.0");
    }

    @Test
    void sdkGetsLogprobsAndSeveralChoices() {
        Completion c = client.completions().create(greedy("Once upon a time", 5).toBuilder().logprobs(2L)
                .n(2L).temperature(0.8).seed(7L).build());
        assertThat(c.choices()).hasSize(2);
        var lp = c.choices().getFirst().logprobs().orElseThrow();
        assertThat(lp.tokens().orElseThrow()).hasSize(5);
        assertThat(lp.tokenLogprobs().orElseThrow()).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(0.0));
        // the same seed, the same choices
        Completion again = client.completions().create(greedy("Once upon a time", 5).toBuilder().logprobs(2L)
                .n(2L).temperature(0.8).seed(7L).build());
        assertThat(again.choices().get(1).text()).isEqualTo(c.choices().get(1).text());
    }

    @Test
    void penaltiesSeeTheTokensAlreadyGenerated() throws Exception {
        String base = "{\"prompt\":\"Once upon a time\",\"max_tokens\":48,\"temperature\":0,\"ignore_eos\":true,"
                + "\"logprobs\":0";
        tools.jackson.databind.JsonNode plain = Http.json(http.post("/v1/completions", base + "}"));
        tools.jackson.databind.JsonNode penalised = Http.json(http.post("/v1/completions",
                base + ",\"frequency_penalty\":2,\"presence_penalty\":2}"));
        tools.jackson.databind.JsonNode repeated = Http.json(http.post("/v1/completions",
                base + ",\"repetition_penalty\":3}"));
        int plainMax = mostRepeated(plain);
        assertThat(plainMax).as("the unpenalised story repeats some token").isGreaterThan(2);
        assertThat(mostRepeated(penalised)).isLessThan(plainMax);
        assertThat(mostRepeated(repeated)).isLessThan(plainMax);
    }

    private static int mostRepeated(tools.jackson.databind.JsonNode completion) {
        var tokens = completion.get("choices").get(0).get("logprobs").get("tokens");
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            counts.merge(tokens.get(i).stringValue(), 1, Integer::sum);
        }
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private void awaitIdle() throws Exception {
        for (int i = 0; i < 200; i++) {
            String m = http.get("/metrics").body();
            if (m.contains("vllm:num_requests_running{model_name=\"stories\"} 0.0")
                    && m.contains("vllm:kv_cache_usage_perc{model_name=\"stories\"} 0.0")) {
                return;
            }
            Thread.sleep(50);
        }
    }
}
