package dev.quanta.worker.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Small hand-made vocabularies for tests that need no shared files. */
final class ToyVocab {

    private ToyVocab() {}

    /**
     * SentencePiece: 0 {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, 3..258 {@code <0x00>}..{@code <0xFF>},
     * then pieces and scores that build {@code ▁hello} and {@code ▁world}, and a user-defined {@code <tool>}.
     */
    static Tokenizer spm() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(2, 3, 3));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
            scores.add(0f);
        }
        // scores chosen so that "hello" and "world" grow from the left and take their space last
        Object[][] pieces = {{"▁", -20f}, {"h", -20f}, {"e", -20f}, {"l", -20f}, {"o", -20f}, {"w", -20f}, {"r", -20f},
                {"d", -20f}, {"é", -20f}, {"▁h", -9f}, {"he", -8f}, {"ll", -8.5f}, {"lo", -8.6f}, {"hel", -7f},
                {"hell", -6f}, {"hello", -5f}, {"▁hello", -4f}, {"▁w", -9f}, {"wo", -8f}, {"or", -8.1f}, {"rl", -8.2f},
                {"ld", -8.3f}, {"wor", -7f}, {"worl", -6f}, {"world", -5f}, {"▁world", -4f}};
        for (Object[] p : pieces) {
            tokens.add((String) p[0]);
            types.add(1);
            scores.add((Float) p[1]);
        }
        tokens.add("<tool>");
        types.add(4);
        scores.add(0f);
        return Tokenizers.of(Vocabulary.builder(Vocabulary.Model.SPM, tokens)
                .types(types.stream().mapToInt(Integer::intValue).toArray())
                .scores(toFloats(scores))
                .build());
    }

    static int id(Tokenizer t, String text) {
        for (int i = 0; i < t.vocabSize(); i++) {
            if (t.tokenText(i).equals(text)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no token " + text);
    }

    private static float[] toFloats(List<Float> l) {
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = l.get(i);
        }
        return f;
    }
}
