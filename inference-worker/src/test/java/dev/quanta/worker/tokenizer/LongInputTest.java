package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long runs of one character class (a 100k-letter "word", a 100k-space run) must tokenize without stack
 * overflow or pathological slowness and round-trip: regexes recursing per character broke on them.
 */
class LongInputTest {


    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-bpe", "gpt-2", "deepseek-llm", "falcon", "mpt"})
    void longRunsOfLettersSpacesDigitsAndNewlinesRoundTrip(String vocab) {
        Tokenizer tokenizer = SharedVocab.vocab(vocab);
        boolean spm = vocab.endsWith("spm");
        // one 100k-letter word (the case that overflowed), the other classes shorter to keep the test quick
        String[] units = {"a", "é", " ", "7", "\n", "Ab", "中"};
        int[] lengths = {100_000, 50_000, 20_000, 20_000, 20_000, 20_000, 20_000};
        for (int u = 0; u < units.length; u++) {
            String unit = units[u];
            String text = unit.repeat(lengths[u] / unit.length());
            int[] ids = tokenizer.encode(text, true, false);
            assertThat(ids).as("%s x%d", unit.replace("\n", "\\n"), lengths[u]).isNotEmpty();
            String back = tokenizer.decode(ids);
            assertThat(back.equals(text)).as("%s round trip (%s)", unit.replace("\n", "\\n"), spm ? "SPM" : "BPE").isTrue();
        }
    }
}
