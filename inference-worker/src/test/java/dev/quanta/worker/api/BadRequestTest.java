package dev.quanta.worker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Every kind of bad input gets its status and OpenAI's error shape, names the field, and reaches no engine. */
class BadRequestTest extends FakeEngineWorkerTest {

    static final String C = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";
    static final String HI = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                bad(C, "{\"prompt\":\"a\",\"temperature\":\"hot\"}", 400, "temperature"),
                bad(C, "{\"prompt\":\"a\",\"temperature\":2.5}", 400, "temperature"),
                bad(C, "{\"prompt\":\"a\",\"top_p\":0}", 400, "top_p"),
                bad(C, "{\"prompt\":\"a\",\"top_p\":1.5}", 400, "top_p"),
                bad(C, "{\"prompt\":\"a\",\"top_k\":-2}", 400, "top_k"),
                bad(C, "{\"prompt\":\"a\",\"min_p\":-0.1}", 400, "min_p"),
                bad(C, "{\"prompt\":\"a\",\"repetition_penalty\":0}", 400, "repetition_penalty"),
                bad(C, "{\"prompt\":\"a\",\"presence_penalty\":3}", 400, "presence_penalty"),
                bad(C, "{\"prompt\":\"a\",\"frequency_penalty\":\"x\"}", 400, "frequency_penalty"),
                bad(C, "{\"prompt\":\"a\",\"seed\":\"x\"}", 400, "seed"),
                bad(C, "{\"prompt\":\"a\",\"n\":0}", 400, "n"),
                bad(C, "{\"prompt\":\"a\",\"n\":\"2\"}", 400, "n"),
                bad(C, "{\"prompt\":\"a\",\"best_of\":3}", 400, "best_of"),
                bad(C, "{\"prompt\":\"a\",\"logprobs\":21}", 400, "logprobs"),
                bad(C, "{\"prompt\":\"a\",\"logprobs\":true}", 400, "logprobs"),
                bad(C, "{\"prompt\":\"a\",\"echo\":\"yes\"}", 400, "echo"),
                bad(C, "{\"prompt\":\"a\",\"max_tokens\":0}", 400, "max_tokens"),
                bad(C, "{\"prompt\":\"a\",\"max_tokens\":1.5}", 400, "max_tokens"),
                bad(C, "{\"prompt\":\"a\",\"min_tokens\":5,\"max_tokens\":2}", 400, "min_tokens"),
                bad(C, "{\"prompt\":\"a\",\"stop\":[1]}", 400, "stop[0]"),
                bad(C, "{\"prompt\":\"a\",\"stop\":\"\"}", 400, "stop"),
                bad(C, "{\"prompt\":\"a\",\"stop_token_ids\":[100000]}", 400, "stop_token_ids[0]"),
                bad(C, "{\"prompt\":\"a\",\"ignore_eos\":1}", 400, "ignore_eos"),
                bad(C, "{\"prompt\":\"a\",\"logit_bias\":{\"x\":1}}", 400, "logit_bias"),
                bad(C, "{\"prompt\":\"a\",\"logit_bias\":{\"1\":200}}", 400, "logit_bias"),
                bad(C, "{\"prompt\":\"a\",\"logit_bias\":[1]}", 400, "logit_bias"),
                bad(C, "{\"prompt\":\"a\",\"stream_options\":{\"include_usage\":true}}", 400, "stream_options"),
                bad(C, "{\"prompt\":\"a\",\"stream\":\"true\"}", 400, "stream"),
                bad(C, "{\"prompt\":\"a\",\"suffix\":\"b\"}", 400, "suffix"),
                bad(C, "{\"max_tokens\":3}", 400, "prompt"),
                bad(C, "{\"prompt\":[\"a\",\"b\"]}", 400, "prompt"),
                bad(C, "{\"prompt\":[[1,2],[3]]}", 400, "prompt"),
                bad(C, "{\"prompt\":[]}", 400, "prompt"),
                bad(C, "{\"prompt\":[1,-1]}", 400, "prompt[1]"),
                bad(C, "{\"prompt\":[1,512]}", 400, "prompt[1]"),
                bad(C, "{\"prompt\":{}}", 400, "prompt"),
                bad(C, "{\"prompt\":\"a\",\"max_tokens\":100000}", 400, "max_tokens"),
                bad(C, "{\"prompt\":\"a\",\"model\":\"gpt-4\"}", 404, "model"),
                bad(C, "{\"prompt\":\"a\",\"model\":7}", 400, "model"),
                bad(C, "{\"prompt\": \"a\",", 400, null),
                bad(C, "[1,2]", 400, null),
                bad(C, "", 400, null),
                bad(CHAT, "{\"max_tokens\":3}", 400, "messages"),
                bad(CHAT, "{\"messages\":[]}", 400, "messages"),
                bad(CHAT, "{\"messages\":\"Hi\"}", 400, "messages"),
                bad(CHAT, "{\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}", 400, "messages[0].role"),
                bad(CHAT, "{\"messages\":[{\"content\":\"Hi\"}]}", 400, "messages[0].role"),
                bad(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", 400, "messages[0].content"),
                bad(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", 400,
                        "messages[0].content[0].type"),
                bad(CHAT, "{" + HI + ",\"top_logprobs\":2}", 400, "top_logprobs"),
                bad(CHAT, "{" + HI + ",\"logprobs\":true,\"top_logprobs\":30}", 400, "top_logprobs"),
                bad(CHAT, "{" + HI + ",\"tools\":[{\"type\":\"function\"}]}", 400, "tools"),
                bad(CHAT, "{" + HI + ",\"max_completion_tokens\":-1}", 400, "max_completion_tokens"),
                bad(CHAT, "{" + HI + ",\"model\":\"other\"}", 404, "model"));
    }

    private static Arguments bad(String path, String body, int status, String param) {
        return Arguments.of(path, body, status, param);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badRequests")
    void rejectsBadInputInOpenAisErrorShape(String path, String body, int status, String param) throws Exception {
        HttpResponse<String> r = http.post(path, body);
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        JsonNode error = Http.json(r).get("error");
        assertThat(error).isNotNull();
        assertThat(error.get("message").stringValue()).isNotBlank();
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.has("code")).isTrue();
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").stringValue()).isEqualTo(param);
        }
        assertThat(engine.submitted).isEmpty();
    }

    @Test
    void statesTheNumbersWhenThePromptDoesNotFit() throws Exception {
        String longPrompt = "\"" + "once upon a time ".repeat(200) + "\"";
        JsonNode error = Http.json(http.post(C, "{\"prompt\":" + longPrompt + "}")).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("context_length_exceeded");
        assertThat(error.get("message").stringValue()).contains("512");
        JsonNode chatError = Http.json(http.post(CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":"
                + longPrompt + "}]}")).get("error");
        assertThat(chatError.get("code").stringValue()).isEqualTo("context_length_exceeded");
    }

    @Test
    void keepsServingAfterBadInput() throws Exception {
        for (Arguments a : badRequests().toList()) {
            http.post((String) a.get()[0], (String) a.get()[1]);
        }
        HttpResponse<String> r = http.post(C, "{\"prompt\":\"Hello\",\"max_tokens\":3}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("choices").get(0).get("text").stringValue()).isEqualTo(engine.scriptText(3));
    }

    @Test
    void answersUnknownPathsAndMethodsUnderV1InOpenAisShape() throws Exception {
        HttpResponse<String> r = http.get("/v1/nothing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(Http.json(r).get("error").get("message").stringValue()).isNotBlank();
        HttpResponse<String> m = http.get(C);
        assertThat(m.statusCode()).isEqualTo(405);
        assertThat(Http.json(m).get("error")).isNotNull();
    }
}
