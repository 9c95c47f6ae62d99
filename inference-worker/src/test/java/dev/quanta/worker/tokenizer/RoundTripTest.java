package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * decode(encode(s)) == s for random Unicode strings (fixed seeds). SentencePiece strings leave out U+2581
 * ({@code ▁}), which the vocabulary uses for a space and so decodes to one, and {@code <}, so that no control
 * token text such as {@code <s>} can form; with BOS added, decode removes the space SentencePiece prefixed.
 */
class RoundTripTest {

    /** Code point ranges to draw from: ASCII, Latin-1, Greek/Cyrillic, Devanagari, CJK, Hangul, emoji, white space. */
    private static final int[][] RANGES = {
            {0x20, 0x7E}, {0x20, 0x7E}, {0x20, 0x7E}, {0xA0, 0xFF}, {0x370, 0x4FF}, {0x900, 0x97F},
            {0x4E00, 0x4FFF}, {0xAC00, 0xAD00}, {0x1F300, 0x1F64F}, {0x2000, 0x206F}, {0x09, 0x0D}, {0x3000, 0x3003}};

    @ParameterizedTest(name = "{0} seed {1}")
    @CsvSource({"llama-spm, 1", "llama-spm, 2", "llama-bpe, 1", "llama-bpe, 2", "gpt-2, 3", "deepseek-llm, 4"})
    void randomUnicodeStringsSurviveEncodeThenDecode(String vocab, long seed) {
        Tokenizer tokenizer = SharedVocab.vocab(vocab);
        boolean spm = vocab.endsWith("spm");
        SplittableRandom random = new SplittableRandom(seed);
        List<String> failures = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            String s = randomString(random, 1 + random.nextInt(40), spm);
            String back = tokenizer.decode(tokenizer.encode(s, true, false));
            if (!back.equals(s)) {
                failures.add(escape(s) + " -> " + escape(back));
            }
        }
        assertThat(failures).isEmpty();
    }

    static String randomString(SplittableRandom random, int length, boolean spm) {
        StringBuilder sb = new StringBuilder();
        while (sb.codePointCount(0, sb.length()) < length) {
            int[] range = RANGES[random.nextInt(RANGES.length)];
            int cp = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (spm && (cp == 0x2581 || cp == '<')) {
                continue;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp >= 0x20 && cp < 0x7F ? Character.toString(cp) : String.format("\\u{%X}", cp)));
        return sb.toString();
    }
}
