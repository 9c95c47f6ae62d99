package dev.quanta.registry.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgufSummary;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ImportedModelTest {

    private static GgufSummary summary(String arch, String name, long layers) {
        return new GgufSummary(3, Optional.ofNullable(arch), Optional.ofNullable(name), OptionalLong.of(32768),
                OptionalLong.of(896), layers < 0 ? OptionalLong.empty() : OptionalLong.of(layers),
                OptionalLong.of(4864), OptionalLong.of(14), OptionalLong.of(2), OptionalLong.of(64),
                OptionalLong.of(151936), 494_032_768L, OptionalLong.of(15), "Q4_K_M", false, 290, 397_808_192L);
    }

    @Test
    void mapsTheSummaryToProfileFields() throws Exception {
        ImportedModel m = ImportedModel.of(summary("qwen2", "Qwen2.5 0.5B Instruct", 24),
                "qwen2.5-0.5b-instruct-q4_k_m.gguf", null);
        assertThat(m.key()).isEqualTo("qwen2.5-0.5b-instruct");
        assertThat(m.name()).isEqualTo("Qwen2.5 0.5B Instruct");
        assertThat(m.family()).isEqualTo("qwen");
        assertThat(m.architecture()).isEqualTo("qwen2");
        assertThat(m.parametersBillions()).isEqualTo(0.494032768);
        assertThat(m.fp16MemoryGb()).as("derived later as params x 2").isNull();
        assertThat(m.layers()).isEqualTo(24);
        assertThat(m.hiddenSize()).isEqualTo(896);
        assertThat(m.attentionHeads()).isEqualTo(14);
        assertThat(m.kvHeads()).isEqualTo(2);
        assertThat(m.headDim()).isEqualTo(64);
        assertThat(m.contextLength()).isEqualTo(32768);
        assertThat(m.vocabSize()).isEqualTo(151936);
        assertThat(m.quantType()).isEqualTo("Q4_K_M");
    }

    @Test
    void usesTheFileNameWithoutQuantSuffixWhenTheNameIsMissingOrJustTheArchitecture() throws Exception {
        assertThat(ImportedModel.of(summary("llama", "llama", 5), "stories260K-Q8_0.gguf", null).key())
                .isEqualTo("stories260k");
        assertThat(ImportedModel.of(summary("llama", null, 5), "stories260K.gguf", null).key())
                .isEqualTo("stories260k");
        assertThat(ImportedModel.of(summary("llama", null, 5), "Mistral-7B-Instruct.Q4_K_M.gguf", null).key())
                .isEqualTo("mistral-7b-instruct");
        assertThat(ImportedModel.of(summary("llama", null, 5), "model-f16.gguf", null).key()).isEqualTo("model");
    }

    @Test
    void theRequestedKeyWins() throws Exception {
        assertThat(ImportedModel.of(summary("llama", "Whatever", 5), "x.gguf", "my-key").key()).isEqualTo("my-key");
    }

    @Test
    void missingMetadataIsListed() {
        assertThatThrownBy(() -> ImportedModel.of(summary("llama", "x", -1), "x.gguf", null))
                .isInstanceOf(ImportedModel.IncompleteModelException.class)
                .hasMessageContaining("llama.block_count");
        assertThatThrownBy(() -> ImportedModel.of(summary(null, "x", 5), "x.gguf", null))
                .isInstanceOf(ImportedModel.IncompleteModelException.class)
                .hasMessageContaining("general.architecture");
    }
}
