package dev.quanta.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Clients unchanged against the gateway: the official OpenAI Java SDK gets the same answers through the
 * gateway as from the worker directly (streaming and not, completions and chat), and Ollama's API answers
 * with Ollama's field names and NDJSON framing, on a real worker process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCompatibilityIT {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String KEY = "compat-key-0123456789abcdef0123";

    WorkerProcess worker;
    GatewayStack gateway;

    @BeforeAll
    void start() throws Exception {
        WorkerProcess.stories();
        worker = WorkerProcess.start("worker-compat", "story", null, null);
        gateway = GatewayStack.start(List.of(worker), Map.of("quanta.edge.api-keys", KEY));
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    OpenAIClient client(String baseUrl) {
        return OpenAIOkHttpClient.builder().apiKey(KEY).baseUrl(baseUrl + "/v1").maxRetries(0).build();
    }

    @Test
    void openAiSdkGetsTheSameCompletionsThroughTheGatewayAsFromTheWorker() {
        CompletionCreateParams params = CompletionCreateParams.builder().model("story").prompt("Once upon a time")
                .maxTokens(12).temperature(0.0).build();
        Completion direct = client(worker.url()).completions().create(params);
        Completion viaGateway = client(gateway.url()).completions().create(params);
        assertThat(viaGateway.choices().getFirst().text()).isEqualTo(direct.choices().getFirst().text()).isNotEmpty();
        assertThat(viaGateway.usage()).isPresent();

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client(gateway.url()).completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> streamed.append(c.text())));
        }
        assertThat(streamed.toString()).isEqualTo(direct.choices().getFirst().text());
    }

    @Test
    void openAiSdkChatWorksStreamingAndNot() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("story")
                .addUserMessage("Tell me a story about a cat.").maxCompletionTokens(10).temperature(0.0).build();
        ChatCompletion direct = client(worker.url()).chat().completions().create(params);
        ChatCompletion viaGateway = client(gateway.url()).chat().completions().create(params);
        String expected = direct.choices().getFirst().message().content().orElse("");
        assertThat(viaGateway.choices().getFirst().message().content()).hasValue(expected);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client(gateway.url()).chat().completions()
                .createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).isEqualTo(expected);
    }

    @Test
    void ollamaGenerateStreamsNdjsonWithOllamasFieldNames() throws Exception {
        HttpResponse<String> r = gateway.post("/api/generate",
                "{\"model\":\"story\",\"prompt\":\"Once upon a time\",\"options\":{\"temperature\":0,\"num_predict\":8}}",
                KEY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(r.body()).endsWith("\n");
        List<String> lines = r.body().lines().toList();
        assertThat(lines.size()).isGreaterThanOrEqualTo(2);
        for (String line : lines.subList(0, lines.size() - 1)) {
            JsonNode piece = JSON.readTree(line);
            assertThat(piece.propertyNames()).containsExactly("model", "created_at", "response", "done");
            assertThat(piece.path("done").asBoolean()).isFalse();
        }
        JsonNode last = JSON.readTree(lines.getLast());
        assertThat(last.propertyNames()).containsExactly("model", "created_at", "response", "done", "done_reason",
                "total_duration", "load_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count",
                "eval_duration");
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("eval_count").asInt()).isEqualTo(lines.size() - 1).isLessThanOrEqualTo(8);
        assertThat(last.path("created_at").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    @Test
    void ollamaChatWithoutStreamAnswersOneObjectAndTheListsAnswer() throws Exception {
        HttpResponse<String> r = gateway.post("/api/chat", "{\"model\":\"story\",\"stream\":false,\"keep_alive\":\"5m\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"options\":{\"num_predict\":6,\"seed\":1}}", KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode chat = JSON.readTree(r.body());
        assertThat(chat.path("message").propertyNames()).containsExactly("role", "content");
        assertThat(chat.path("done").asBoolean()).isTrue();
        assertThat(chat.path("eval_count").asInt()).isBetween(1, 6);

        JsonNode tags = JSON.readTree(gateway.get("/api/tags", KEY).body());
        JsonNode model = tags.path("models").path(0);
        assertThat(model.propertyNames()).containsExactly("name", "model", "modified_at", "size", "digest", "details");
        assertThat(model.path("details").propertyNames()).containsExactly("parent_model", "format", "family",
                "families", "parameter_size", "quantization_level");
        JsonNode ps = JSON.readTree(gateway.get("/api/ps", KEY).body()).path("models").path(0);
        assertThat(ps.path("name").asString()).isEqualTo("story");
        assertThat(ps.has("expires_at") && ps.has("size_vram")).isTrue();
        assertThat(JSON.readTree(gateway.get("/api/version", KEY).body()).path("version").asString()).matches("\\d+\\.\\d+\\.\\d+");
        HttpResponse<String> unknown = gateway.post("/api/chat",
                "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).propertyNames()).containsExactly("error");
    }
}
