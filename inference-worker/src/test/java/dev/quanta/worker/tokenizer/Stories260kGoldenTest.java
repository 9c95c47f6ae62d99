package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The tokenizer of stories260K.gguf against llama.cpp's golden prompts and generations. */
class Stories260kGoldenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Tokenizer tokenizer;
    private static List<JsonNode> golden;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = SharedVocab.load(SharedVocab.stories());
        golden = new ArrayList<>();
        assumeTrue(Files.isRegularFile(SharedVocab.sharedDir().resolve("golden/stories260K/stories260K.greedy.jsonl")),
                "golden/stories260K/stories260K.greedy.jsonl is absent: skipping");
        // the F32, Q8_0 and Q4_0 goldens share the vocabulary; each adds its own generations
        for (String model : new String[] {"stories260K", "stories260K-Q8_0", "stories260K-Q4_0"}) {
            Path file = SharedVocab.sharedDir().resolve("golden/stories260K/" + model + ".greedy.jsonl");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    golden.add(JSON.readTree(line));
                }
            }
        }
    }

    @Test
    void vocabularyIsTheSentencePieceOneOf512Tokens() {
        assertThat(tokenizer.vocabSize()).isEqualTo(512);
        assertThat(tokenizer.bos()).isEqualTo(1);
        assertThat(tokenizer.eos()).isEqualTo(2);
        assertThat(tokenizer.addsBos()).isTrue();
        assertThat(tokenizer.isEog(2)).isTrue();
    }

    @Test
    void promptsTokenizeToLlamaCppPromptTokensWithBos() {
        assertThat(golden).as("golden records (stories260K.greedy.jsonl at least)").hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode g : golden) {
            String prompt = g.get("prompt").asString();
            assertThat(tokenizer.encode(prompt, true, true)).as("prompt '%s'", prompt)
                    .containsExactly(ids(g.get("prompt_tokens")));
        }
    }

    @Test
    void generatedTokensDecodeToTheGoldenText() {
        for (JsonNode g : golden) {
            assertThat(tokenizer.decode(ids(g.get("tokens")))).as("prompt '%s'", g.get("prompt").asString())
                    .isEqualTo(g.get("text").asString());
        }
    }

    @Test
    void streamingTheGeneratedTokensGivesTheGoldenText() {
        for (JsonNode g : golden) {
            Detokenizer stream = tokenizer.detokenizer();
            StringBuilder text = new StringBuilder();
            for (int id : ids(g.get("tokens"))) {
                text.append(stream.push(id));
            }
            text.append(stream.flush());
            assertThat(text.toString()).isEqualTo(g.get("text").asString());
        }
    }

    @Test
    void promptsRoundTripThroughDecode() {
        for (JsonNode g : golden) {
            String prompt = g.get("prompt").asString();
            assertThat(tokenizer.decode(tokenizer.encode(prompt, true, false))).isEqualTo(prompt);
        }
    }

    private static int[] ids(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
