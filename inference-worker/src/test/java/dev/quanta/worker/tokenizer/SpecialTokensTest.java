package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Special tokens, BOS rules and end-of-generation ids of the Llama 3 vocabulary (llama-bpe). */
class SpecialTokensTest {

    private static final int BEGIN_OF_TEXT = 128000;
    private static final int END_OF_TEXT = 128001;
    private static final int EOT_ID = 128009;

    @Test
    void beginOfTextInTextIsOneTokenOnlyWithParseSpecial() {
        Tokenizer llama3 = SharedVocab.vocab("llama-bpe");
        int[] parsed = llama3.encode("<|begin_of_text|>Hello", false, true);
        assertThat(parsed).containsExactly(BEGIN_OF_TEXT, llama3.encode("Hello", false, false)[0]);

        int[] literal = llama3.encode("<|begin_of_text|>Hello", false, false);
        assertThat(literal).doesNotContain(BEGIN_OF_TEXT).hasSizeGreaterThan(3);
        assertThat(llama3.decode(literal)).isEqualTo("<|begin_of_text|>Hello");
    }

    @Test
    void llama3AddsBosAndKnowsItsEndOfGenerationTokens() {
        Tokenizer llama3 = SharedVocab.vocab("llama-bpe");
        assertThat(llama3.bos()).isEqualTo(BEGIN_OF_TEXT);
        assertThat(llama3.addsBos()).isTrue();
        assertThat(llama3.encode("Hi", true, true)[0]).isEqualTo(BEGIN_OF_TEXT);
        assertThat(llama3.eot()).isEqualTo(EOT_ID);
        assertThat(llama3.isEog(EOT_ID)).isTrue();
        assertThat(llama3.isEog(llama3.eos())).isTrue();
        assertThat(llama3.isEog(BEGIN_OF_TEXT)).isFalse();
        assertThat(llama3.tokenText(EOT_ID)).isEqualTo("<|eot_id|>");
    }

    @Test
    void controlTokensDecodeToNothingAndRenderWithSpecial() {
        Tokenizer llama3 = SharedVocab.vocab("llama-bpe");
        int[] ids = llama3.encode("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", true, true);
        assertThat(llama3.decode(ids)).isEqualTo("user\n\nHi");
        Detokenizer rendered = new Detokenizer(llama3, true);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(rendered.push(id));
        }
        assertThat(sb.toString()).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
    }

    @Test
    void gpt2EndOfTextIsEndOfGenerationAndGpt2AddsNoBos() {
        Tokenizer gpt2 = SharedVocab.vocab("gpt-2");
        assertThat(gpt2.addsBos()).isFalse();
        assertThat(gpt2.encode("Hello", true, true)).containsExactly(gpt2.encode("Hello", false, false));
        int eot = gpt2.encode("<|endoftext|>", false, true)[0];
        assertThat(gpt2.tokenText(eot)).isEqualTo("<|endoftext|>");
        assertThat(gpt2.isEog(eot)).isTrue();
    }

    @Test
    void llama3VocabularyBuiltFromItsGgufMetadataHasEveryTokenAndUsesItsMerges() throws Exception {
        // build time is printed by TokenizerBench (a figure, not a test)
        var md = dev.quanta.gguf.GgufFile.readHeader(SharedVocab.vocabFile("llama-bpe")).metadata();
        Vocabulary v = Tokenizers.vocabularyFromGguf(md);
        assertThat(v.merges()).hasSize(md.getStringArray(dev.quanta.gguf.GgufKeys.TOKENIZER_MERGES).size());
        Tokenizer t = Tokenizers.of(v);
        assertThat(t.vocabSize()).isEqualTo(128_256);
        assertThat(t.encode(" Hello world", false, false)).as("merged into whole-word tokens").hasSize(2);
    }
}
