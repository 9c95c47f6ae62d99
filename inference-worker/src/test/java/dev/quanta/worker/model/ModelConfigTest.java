package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    static ModelConfig.Metadata metadata(Map<String, Object> values) {
        return new ModelConfig.Metadata() {
            public Optional<String> string(String key) {
                return Optional.ofNullable((String) values.get(key));
            }

            public Optional<Long> integer(String key) {
                return Optional.ofNullable((Number) values.get(key)).map(Number::longValue);
            }

            public Optional<Double> real(String key) {
                return Optional.ofNullable((Number) values.get(key)).map(Number::doubleValue);
            }
        };
    }

    static Map<String, Object> llama() {
        Map<String, Object> m = new HashMap<>();
        m.put("general.architecture", "llama");
        m.put("llama.context_length", 512);
        m.put("llama.embedding_length", 64);
        m.put("llama.block_count", 5);
        m.put("llama.feed_forward_length", 172);
        m.put("llama.attention.head_count", 8);
        m.put("llama.attention.head_count_kv", 4);
        m.put("llama.attention.layer_norm_rms_epsilon", 1e-5);
        return m;
    }

    @Test
    void readsLlamaShapeWithDefaults() {
        ModelConfig c = ModelConfig.fromMetadata(metadata(llama()), 512);
        assertThat(c.architecture()).isEqualTo(Architecture.LLAMA);
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.ropeDim()).isEqualTo(8);
        assertThat(c.ropeTheta()).isEqualTo(10000f);
        assertThat(c.groupSize()).isEqualTo(2);
        assertThat(c.kvDim()).isEqualTo(32);
        assertThat(c.architecture().ropeNeox()).isFalse();
    }

    @Test
    void qwenVariantsUseNeoxRopeAndTheirExtras() {
        assertThat(Architecture.QWEN2.ropeNeox()).isTrue();
        assertThat(Architecture.QWEN2.qkvBias()).isTrue();
        assertThat(Architecture.QWEN3.qkNorm()).isTrue();
    }

    @Test
    void unsupportedArchitectureNamesTheOneFoundAndTheSupportedOnes() {
        Map<String, Object> m = llama();
        m.put("general.architecture", "gpt2");
        assertThatThrownBy(() -> ModelConfig.fromMetadata(metadata(m), 512))
                .hasMessage("unsupported architecture 'gpt2' (supported: llama, mistral, qwen2, qwen3)");
    }

    @Test
    void missingKeyIsNamed() {
        Map<String, Object> m = llama();
        m.remove("llama.block_count");
        assertThatThrownBy(() -> ModelConfig.fromMetadata(metadata(m), 512))
                .hasMessageContaining("llama.block_count");
    }

    @Test
    void headsThatDoNotGroupAreRejected() {
        Map<String, Object> m = llama();
        m.put("llama.attention.head_count_kv", 3);
        assertThatThrownBy(() -> ModelConfig.fromMetadata(metadata(m), 512))
                .hasMessageContaining("not a multiple of the KV head count 3");
    }
}
