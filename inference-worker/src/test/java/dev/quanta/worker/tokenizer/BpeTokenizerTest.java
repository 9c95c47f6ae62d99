package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-level BPE on a toy vocabulary: merges by rank, byte-level text, pre-tokenizer choice. */
class BpeTokenizerTest {

    /** All 256 byte symbols, then the merged tokens. */
    private static Tokenizer toy(String pre, List<String> merges, String... extra) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevel.ofByte(b));
        }
        tokens.addAll(List.of(extra));
        return Tokenizers.of(Vocabulary.builder(Vocabulary.Model.BPE, tokens).preTokenizer(pre).merges(merges).build());
    }

    @Test
    void mergesTheLowestRankFirst() {
        // "abc": rank 0 "b c" beats rank 1 "a b", so the result is a + bc, not ab + c
        Tokenizer t = toy("gpt-2", List.of("b c", "a b"), "bc", "ab");
        assertThat(t.encode("abc", false, false)).containsExactly('a', 256);
        assertThat(t.decode(t.encode("abc", false, false))).isEqualTo("abc");
    }

    @Test
    void spacesAndNonAsciiBytesUseTheByteLevelAlphabet() {
        Tokenizer t = toy("gpt-2", List.of("Ġ a"), "Ġa");
        // gpt-2 splits " a" as one word; the space is byte 0x20 -> 'Ġ'
        assertThat(t.encode(" a", false, false)).containsExactly(256);
        byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(t.encode("é", false, false)).containsExactly(id(t, ByteLevel.ofByte(e[0])), id(t, ByteLevel.ofByte(e[1])));
        assertThat(t.decode(t.encode("é a\n", false, false))).isEqualTo("é a\n");
    }

    @Test
    void byteLevelMapIsABijectionOverAllBytes() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int b = 0; b < 256; b++) {
            String s = ByteLevel.ofByte(b);
            assertThat(seen.add(s)).isTrue();
            assertThat(ByteLevel.decode(s)).containsExactly((byte) b);
        }
        assertThat(ByteLevel.ofByte(' ')).isEqualTo("Ġ");
        assertThat(ByteLevel.ofByte('\n')).isEqualTo("Ċ");
    }

    @Test
    void unknownPreTokenizerFallsBackToGpt2AndMissingOneToTheDefault() {
        assertThat(PreTokenizer.forName("no-such-pre")).isEqualTo(PreTokenizer.GPT2);
        assertThat(PreTokenizer.forName(null)).isEqualTo(PreTokenizer.DEFAULT);
        assertThat(PreTokenizer.forName("llama-bpe")).isEqualTo(PreTokenizer.LLAMA3);
        assertThat(PreTokenizer.forName("smollm")).isEqualTo(PreTokenizer.STARCODER);
        assertThat(PreTokenizer.forName("qwen2")).isEqualTo(PreTokenizer.QWEN2);
        assertThat(PreTokenizer.forName("deepseek-coder")).isEqualTo(PreTokenizer.DEEPSEEK_CODER);
    }

    @Test
    void llama3PreTokenizerSplitsContractionsNumbersAndTrailingSpaces() {
        assertThat(PreTokenizer.LLAMA3.split("I'M 12345 ok  \n\nyes   "))
                .containsExactly("I", "'M", " ", "123", "45", " ok", "  \n\n", "yes", "   ");
    }

    @Test
    void gpt2PreTokenizerKeepsASpaceWithTheNextWord() {
        assertThat(PreTokenizer.GPT2.split("Hello  world's 42!"))
                .containsExactly("Hello", " ", " world", "'s", " 42", "!");
    }

    @Test
    void aBpeVocabularyNeedsMerges() {
        assertThatThrownBy(() -> Vocabulary.builder(Vocabulary.Model.BPE, List.of("a")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merges");
    }

    @Test
    void bloomPreTokenizerStopsWordsAtSentencePunctuation() {
        assertThat(PreTokenizer.forName("poro-chat").split("Hello, world! Hyvää päivää."))
                .containsExactly("Hello", ",", " world", "!", " Hyvää", " päivää", ".");
    }

    @Test
    void deepseekV3PreTokenizerSplitsDigitsByThreeAndKeepsCjkWithKana() {
        assertThat(PreTokenizer.forName("deepseek-v3").split("abc 12345 日本語です!!"))
                .containsExactly("abc", " ", "123", "45", " ", "日本語です", "!!");
    }

    private static int id(Tokenizer t, String text) {
        return ToyVocab.id(t, text);
    }
}
