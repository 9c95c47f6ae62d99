package dev.quanta.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gateway.web.Bodies;
import dev.quanta.gateway.web.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class InferenceBodyTest {

    /** What the controllers read from the parsed tree before the streaming scan. */
    private static InferenceBody fromTree(String json, InferenceBody.Kind kind) {
        ObjectNode body = Bodies.parseObject(json.getBytes(StandardCharsets.UTF_8));
        JsonNode model = body.path("model");
        return new InferenceBody(model.isString() ? model.asString() : null,
                kind == InferenceBody.Kind.COMPLETION ? Prompts.completion(body) : Prompts.chat(body),
                body.path("stream").asBoolean(false),
                body.path("stream_options").path("include_usage").asBoolean(false));
    }

    private static InferenceBody scan(String json, InferenceBody.Kind kind) {
        return InferenceBody.scan(Bodies.JSON, json.getBytes(StandardCharsets.UTF_8), kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"m\",\"prompt\":\"Once upon a time\",\"max_tokens\":1,\"temperature\":0}",
            "{\"prompt\":[\"first\",\"second\"],\"model\":\"m\",\"stream\":true}",
            "{\"model\":\"m\",\"prompt\":[[1,2],\"x\"],\"stream\":\"true\",\"stream_options\":{\"include_usage\":1}}",
            "{\"model\":\"m\",\"prompt\":[1,2,3],\"stream\":2.5,\"stream_options\":[{\"include_usage\":true}]}",
            "{\"model\":\"m\",\"prompt\":[],\"stream\":1,\"stream_options\":{\"x\":{\"include_usage\":true}}}",
            "{\"model\":7,\"prompt\":{\"text\":\"no\"},\"stream\":{\"a\":true},\"logit_bias\":{\"1\":[2,{\"3\":4}]}}",
            "{\"model\":\"a\",\"model\":\"b\",\"prompt\":\"x\",\"prompt\":5,\"stream\":true,\"stream\":\"no\"}",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":null}",
            "{}"
    })
    void completionFieldsReadAsTheParsedTreeReadsThem(String json) {
        assertThat(scan(json, InferenceBody.Kind.COMPLETION)).isEqualTo(fromTree(json, InferenceBody.Kind.COMPLETION));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\","
                    + "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"},{\"type\":\"image_url\"}]}],\"stream\":true}",
            "{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":null},{}],\"prompt\":\"ignored\"}",
            "{\"model\":\"m\",\"messages\":{\"role\":\"user\"}}",
            "{\"model\":\"m\"}"
    })
    void chatFieldsReadAsTheParsedTreeReadsThem(String json) {
        assertThat(scan(json, InferenceBody.Kind.CHAT)).isEqualTo(fromTree(json, InferenceBody.Kind.CHAT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[1,2]", "\"text\"", "   ", "{\"model\":", "{\"model\":\"m\"} {\"b\":1}",
            "{\"model\":\"m\"} x", "{\"a\":[1,}", "{\"model\":\"m\",}"})
    void bodiesTheTreeRefusesAreRefusedWithTheSameStatus(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Bodies.parseObject(bytes)).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> InferenceBody.scan(Bodies.JSON, bytes, InferenceBody.Kind.COMPLETION))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
