package dev.quanta.worker.tokenizer;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which special tokens swallow the whitespace beside them when the input is split at special tokens.
 *
 * <p>GGUF files carry no per-token strip attributes; llama.cpp sets them by family (general.name, tokenizer.ggml.pre)
 * and we follow its rules so that the same text gives the same ids:
 * <ul>
 *   <li>phi-3 family (name contains {@code phi-3} or {@code phi3}): every special token and {@code </s>} strip the
 *       whitespace on their right, except {@code <unk>}, {@code <s>} and {@code <|endoftext|>} — so
 *       {@code "</s> [INST]"} gives {@code </s>} then {@code "[INST]"}, not {@code </s>} then {@code " [INST]"};</li>
 *   <li>jina-v2 (de, es, code) pre-tokenizers and ModernBERT: {@code <mask>} / {@code [MASK]} strip whitespace on
 *       their left.</li>
 * </ul>
 * Whitespace is C's {@code isspace} in the "C" locale: space, tab, newline, vertical tab, form feed, carriage return.
 */
final class SpecialTokenStrip {

    /** Tokens that drop whitespace before them. */
    private final BitSet left = new BitSet();
    /** Tokens that drop whitespace after them. */
    private final BitSet right = new BitSet();

    private SpecialTokenStrip() {}

    /**
     * The strip attributes of {@code vocab}'s family.
     *
     * @param specialTokens ids of control, user-defined and unknown tokens (the ones input is split at)
     * @param idOf          token text → id
     */
    static SpecialTokenStrip of(Vocabulary vocab, int[] specialTokens, Map<String, Integer> idOf) {
        SpecialTokenStrip s = new SpecialTokenStrip();
        String name = vocab.modelName() == null ? "" : vocab.modelName().toLowerCase(Locale.ROOT);
        String pre = vocab.preTokenizer() == null ? "" : vocab.preTokenizer();
        if (containsAny(pre, "jina-v2-de", "jina-v2-es", "jina-v2-code")) {
            set(s.left, idOf, "<mask>", true);
        } else if (containsAny(name, "phi-3", "phi3")) {
            for (int id : specialTokens) {
                s.right.set(id);
            }
            set(s.right, idOf, "</s>", true);
            for (String text : List.of("<unk>", "<s>", "<|endoftext|>")) {
                set(s.right, idOf, text, false);
            }
        } else if (name.contains("modern-bert")) {
            set(s.left, idOf, "[MASK]", true);
        }
        return s;
    }

    private static boolean containsAny(String s, String... parts) {
        for (String p : parts) {
            if (s.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private static void set(BitSet bits, Map<String, Integer> idOf, String text, boolean value) {
        Integer id = idOf.get(text);
        if (id != null) {
            bits.set(id, value);
        }
    }

    boolean stripsLeft(int id) {
        return left.get(id);
    }

    boolean stripsRight(int id) {
        return right.get(id);
    }

    /** C's {@code isspace} in the "C" locale. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
