package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgufFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whitespace after special tokens of the phi-3 family, as llama.cpp tokenizes it (its per-family RSTRIP attribute).
 *
 * <p>The vocabulary is phi-3's shape: the shared llama-spm vocabulary (Llama 2's, which phi-3 uses) plus phi-3's added
 * tokens from id 32000, named "Phi3 ...". Expected ids are llama.cpp's (commit 3f545bec, built from source):
 * {@code scripts/fidelity/phi3-like-vocab.py} writes the same vocabulary as a GGUF and
 * {@code llama-tokenize -m phi3-like.gguf -p TEXT --ids --no-bos} tokenized each text (special tokens parsed); the
 * llama-spm rows are the same command on {@code ggml-vocab-llama-spm.gguf}.
 */
class SpecialTokenStripTest {

    private static final List<String> PHI3_ADDED = List.of("<|endoftext|>", "<|assistant|>", "<|placeholder1|>",
            "<|placeholder2|>", "<|placeholder3|>", "<|placeholder4|>", "<|system|>", "<|end|>", "<|placeholder5|>",
            "<|placeholder6|>", "<|user|>");

    private static final String INST = "[INST] Hi [/INST] Hello</s> [INST] How are you? [/INST]";
    private static final String CHAT = "<|user|>\nHi there<|end|>\n<|assistant|>\n";
    private static final String EXCEPTIONS = "<s> Hello <unk> world <|endoftext|> end";
    private static final String EVERY_SPACE = "tab\t</s>\t\n\u000b\f\r more  <|end|>  x";

    /** phi-3-shaped vocabulary, named as the family (or not). */
    private static Tokenizer phi3Like(String name) throws Exception {
        var md = GgufFile.readHeader(SharedVocab.vocabFile("llama-spm")).metadata();
        Vocabulary spm = Tokenizers.vocabularyFromGguf(md);
        List<String> tokens = new ArrayList<>(spm.tokens());
        tokens.addAll(PHI3_ADDED);
        float[] scores = Arrays.copyOf(spm.scores(), tokens.size());
        int[] types = Arrays.copyOf(spm.types(), tokens.size());
        Arrays.fill(types, spm.size(), tokens.size(), TokenType.CONTROL.code());
        return Tokenizers.of(Vocabulary.builder(Vocabulary.Model.SPM, tokens).scores(scores).types(types)
                .bos(spm.bosId()).eos(spm.eosId()).unk(spm.unkId()).addBos(true).addEos(false).preTokenizer("default")
                .modelName(name).build());
    }

    @Test
    void phi3DropsTheSpaceAfterEndOfSequenceAsLlamaCppDoes() throws Exception {
        Tokenizer phi3 = phi3Like("Phi3 (phi-3-like test vocabulary: llama-spm + phi-3's added tokens)");
        assertThat(phi3.encode(INST, false, true)).containsExactly(518, 25580, 29962, 6324, 518, 29914, 25580, 29962,
                15043, 2, 518, 25580, 29962, 1128, 526, 366, 29973, 518, 29914, 25580, 29962);
    }

    @Test
    void phi3ChatTurnsLoseTheNewlineAfterEachMarker() throws Exception {
        Tokenizer phi3 = phi3Like("microsoft/Phi-3-mini-4k-instruct");
        assertThat(phi3.encode(CHAT, false, true)).containsExactly(32010, 6324, 727, 32007, 32001);
    }

    @Test
    void unknownBeginAndEndOfTextKeepTheirSpaceAndEveryCSpaceIsStripped() throws Exception {
        Tokenizer phi3 = phi3Like("Phi3");
        assertThat(phi3.encode(EXCEPTIONS, false, true))
                .containsExactly(1, 29871, 15043, 29871, 0, 29871, 3186, 29871, 32000, 29871, 1095);
        assertThat(phi3.encode(EVERY_SPACE, false, true)).containsExactly(4434, 12, 2, 901, 259, 32007, 921);
    }

    @Test
    void otherFamiliesKeepTheSpaceAfterSpecialTokens() throws Exception {
        Tokenizer llama2 = SharedVocab.vocab("llama-spm");
        assertThat(llama2.encode(INST, false, true)).containsExactly(518, 25580, 29962, 6324, 518, 29914, 25580, 29962,
                15043, 2, 29871, 518, 25580, 29962, 1128, 526, 366, 29973, 518, 29914, 25580, 29962);
        assertThat(llama2.encode(EVERY_SPACE, false, true)).containsExactly(4434, 12, 2, 29871, 12, 13, 14, 15, 30004,
                901, 29871, 529, 29989, 355, 29989, 29958, 29871, 921);
        Tokenizer otherName = phi3Like("other"); // llama-tokenize on phi3-like.gguf renamed "other"
        assertThat(otherName.encode(CHAT, false, true))
                .containsExactly(32010, 29871, 13, 18567, 727, 32007, 29871, 13, 32001, 29871, 13);
    }
}
