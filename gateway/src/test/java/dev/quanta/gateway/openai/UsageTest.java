package dev.quanta.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"c\",\"choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":5,"
                    + "\"total_tokens\":6,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
            "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2},\"choices\":[]}",
            "{\"usage\":{\"total_tokens\":\"9\"},\"choices\":{}}",
            "{\"usage\":[1],\"choices\":[1]}",
            "{\"usage\":{\"total_tokens\":3},\"usage\":{\"total_tokens\":4},\"choices\":[[],{}]}",
            "{\"choices\":[{\"text\":\"x\"}]}",
            "[{\"usage\":{\"total_tokens\":3}}]",
            "{\"usage\":{\"total_tokens\":3}} trailing",
            "{\"usage\":{\"total_tokens\":3}",
            ""
    })
    void aWholeResponseIsReadAsItsParsedTreeIs(String json) {
        Usage fromTree = Usage.of(json);
        assertThat(Usage.of(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(fromTree);
    }
}
