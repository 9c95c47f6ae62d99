package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long runs of one character class (a 100k-letter "word", a 100k-space run) must tokenize without stack
 * overflow or pathological slowness and round-trip: regexes recursing per character broke on them.
 */
class LongInputTest {

    private static final int LENGTH = 100_000;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-bpe", "gpt-2", "deepseek-llm", "falcon", "mpt"})
    void longRunsOfLettersSpacesDigitsAndNewlinesRoundTrip(String vocab) {
        Tokenizer tokenizer = SharedVocab.vocab(vocab);
        boolean spm = vocab.endsWith("spm");
        for (String unit : new String[] {"a", "é", " ", "7", "\n", "Ab", "中"}) {
            String text = unit.repeat(LENGTH / unit.length());
            int[] ids = tokenizer.encode(text, true, false);
            assertThat(ids).as("%s x%d", unit.replace("\n", "\\n"), LENGTH).isNotEmpty();
            String back = tokenizer.decode(ids);
            assertThat(back.equals(text)).as("%s round trip (%s)", unit.replace("\n", "\\n"), spm ? "SPM" : "BPE").isTrue();
        }
    }
}
