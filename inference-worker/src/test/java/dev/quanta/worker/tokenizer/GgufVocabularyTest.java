package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgufArray;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufMetadata;
import dev.quanta.gguf.GgufValue;
import dev.quanta.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading tokenizers (and chat templates) from GGUF metadata, and clear errors for bad metadata. */
class GgufVocabularyTest {

    private static final List<String> TOKENS = List.of("<unk>", "<s>", "</s>", "▁", "a", "▁a", "<0x0A>");

    private static Map<String, GgufValue> spm() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(GgufKeys.TOKENIZER_MODEL, GgufValue.string("llama"));
        m.put(GgufKeys.TOKENIZER_TOKENS, GgufValue.array(GgufArray.ofStrings(TOKENS)));
        m.put(GgufKeys.TOKENIZER_SCORES, GgufValue.array(GgufArray.ofFloat32(new float[] {0, 0, 0, -3, -2, -1, 0})));
        m.put(GgufKeys.TOKENIZER_TOKEN_TYPE, GgufValue.array(GgufArray.ofInt32(new int[] {2, 3, 3, 1, 1, 1, 6})));
        m.put(GgufKeys.TOKENIZER_BOS_ID, GgufValue.uint32(1));
        m.put(GgufKeys.TOKENIZER_EOS_ID, GgufValue.uint32(2));
        return m;
    }

    @Test
    void readsASentencePieceVocabularyWithItsSpecialIdsAndFlags() throws Exception {
        Map<String, GgufValue> m = spm();
        m.put(GgufKeys.TOKENIZER_ADD_BOS, GgufValue.bool(false));
        Tokenizer t = Tokenizers.fromGguf(GgufMetadata.of(m));
        assertThat(t.vocabSize()).isEqualTo(7);
        assertThat(t.addsBos()).isFalse();
        assertThat(t.encode("a a\n", true, false)).containsExactly(5, 5, 6);
        assertThat(t.decode(new int[] {5, 5, 6})).isEqualTo(" a a\n");
    }

    @Test
    void readsAFileWrittenToDiskAndItsChatTemplate(@TempDir Path tmp) throws Exception {
        GgufWriter writer = new GgufWriter();
        spm().forEach(writer::put);
        writer.putString(GgufKeys.TOKENIZER_CHAT_TEMPLATE, "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}");
        Path file = tmp.resolve("toy.gguf");
        writer.write(file);

        Tokenizer t = Tokenizers.fromGguf(file);
        assertThat(t.encode("a", true, false)).containsExactly(1, 5);
        GgufMetadata md = dev.quanta.gguf.GgufFile.readHeader(file).metadata();
        ChatTemplate template = ChatTemplates.forModel(md, t);
        assertThat(template.name()).isEqualTo("gguf");
        assertThat(template.render(List.of(Message.user("hi")), true)).isEqualTo("<s><user>hi");
    }

    @Test
    void withoutATemplateTheBuiltInIsChosenFromTheVocabulary() throws Exception {
        Tokenizer t = Tokenizers.fromGguf(GgufMetadata.of(spm()));
        assertThat(ChatTemplates.forModel(GgufMetadata.of(spm()), t).name()).isEqualTo("llama2");
    }

    @Test
    void aFileWithoutTokenizerIsAClearError() {
        Map<String, GgufValue> m = spm();
        m.remove(GgufKeys.TOKENIZER_MODEL);
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(m)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("no tokenizer");
    }

    @Test
    void unsupportedTokenizerModelsAreNamed() {
        Map<String, GgufValue> m = spm();
        m.put(GgufKeys.TOKENIZER_MODEL, GgufValue.string("bert"));
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(m)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("'bert'");
    }

    @Test
    void bpeWithoutMergesIsAnError() {
        Map<String, GgufValue> m = spm();
        m.put(GgufKeys.TOKENIZER_MODEL, GgufValue.string("gpt2"));
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(m)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("merges");
    }

    @Test
    void arraysOfTheWrongLengthOrTypeAreErrors() {
        Map<String, GgufValue> shortTypes = spm();
        shortTypes.put(GgufKeys.TOKENIZER_TOKEN_TYPE, GgufValue.array(GgufArray.ofInt32(new int[] {1, 1})));
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(shortTypes)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("token_type has 2 entries for 7 tokens");

        Map<String, GgufValue> tokensNotArray = spm();
        tokensNotArray.put(GgufKeys.TOKENIZER_TOKENS, GgufValue.string("a b c"));
        assertThatThrownBy(() -> Tokenizers.fromGguf(GgufMetadata.of(tokensNotArray)))
                .isInstanceOf(GgufFormatException.class).hasMessageContaining(GgufKeys.TOKENIZER_TOKENS);
    }

    @Test
    void outOfRangeSpecialIdsFallBackToTheDefaults() throws Exception {
        Map<String, GgufValue> m = spm();
        m.put(GgufKeys.TOKENIZER_BOS_ID, GgufValue.uint32(999));
        assertThat(Tokenizers.fromGguf(GgufMetadata.of(m)).bos()).isEqualTo(1);
    }
}
