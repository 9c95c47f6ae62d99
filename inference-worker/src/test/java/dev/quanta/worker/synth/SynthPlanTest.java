package dev.quanta.worker.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.model.Architecture;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SynthPlanTest {

    private static Map<String, SynthTensor> byName(SynthPlan plan) {
        return plan.tensors().stream().collect(Collectors.toMap(SynthTensor::name, Function.identity()));
    }

    @Test
    void smol135mHasLlamaCppTensorNamesAndGgmlShapes() {
        SynthPlan plan = SynthPlan.of(SynthShape.SMOL_135M, GgmlType.Q8_0, 49152);
        Map<String, SynthTensor> t = byName(plan);
        assertThat(plan.tensors()).hasSize(2 + 30 * 9);
        assertThat(t).doesNotContainKey("output.weight"); // tied embeddings
        assertThat(t.get("token_embd.weight").shape()).containsExactly(576, 49152);
        assertThat(t.get("output_norm.weight").shape()).containsExactly(576);
        assertThat(t.get("blk.29.attn_q.weight").shape()).containsExactly(576, 576);
        assertThat(t.get("blk.0.attn_k.weight").shape()).containsExactly(576, 192);
        assertThat(t.get("blk.0.attn_v.weight").shape()).containsExactly(576, 192);
        assertThat(t.get("blk.0.attn_output.weight").shape()).containsExactly(576, 576);
        assertThat(t.get("blk.0.ffn_gate.weight").shape()).containsExactly(576, 1536);
        assertThat(t.get("blk.0.ffn_up.weight").shape()).containsExactly(576, 1536);
        assertThat(t.get("blk.0.ffn_down.weight").shape()).containsExactly(1536, 576);
        assertThat(t.get("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(t.get("blk.0.ffn_norm.weight").type()).isEqualTo(GgmlType.F32);
        assertThat(t.get("token_embd.weight").type()).isEqualTo(GgmlType.Q8_0);
        // SmolLM-135M's published parameter count
        assertThat(plan.parameterCount()).isEqualTo(134_515_008L);
        assertThat(plan.fallbacks()).isEmpty();
        assertThat(plan.fileType()).isEqualTo(7);
    }

    @Test
    void llama1bWithTheLlama3VocabHasLlama32_1bsParameterCount() {
        SynthPlan plan = SynthPlan.of(SynthShape.LLAMA_1B, GgmlType.Q4_K, 128256);
        assertThat(plan.parameterCount()).isEqualTo(1_235_814_400L);
        assertThat(byName(plan).get("blk.0.attn_k.weight").shape()).containsExactly(2048, 512);
        assertThat(plan.fallbacks()).isEmpty(); // 2048 and 8192 are multiples of 256
        assertThat(plan.tensors()).filteredOn(t -> !t.norm()).allMatch(t -> t.type() == GgmlType.Q4_K);
        assertThat(plan.fileType()).isEqualTo(14);
    }

    @Test
    void kQuantsFallBackLikeLlamaCppWhereRowsAreNotMultiplesOf256() {
        SynthPlan q4k = SynthPlan.of(SynthShape.SMOL_135M, GgmlType.Q4_K, 49152);
        Map<String, SynthTensor> t = byName(q4k);
        assertThat(t.get("token_embd.weight").type()).isEqualTo(GgmlType.Q5_0); // rows of 576
        assertThat(t.get("blk.0.attn_q.weight").type()).isEqualTo(GgmlType.Q5_0);
        assertThat(t.get("blk.0.ffn_down.weight").type()).isEqualTo(GgmlType.Q4_K); // rows of 1536 = 6 * 256
        assertThat(q4k.fallbacks()).containsExactly(Map.entry(GgmlType.Q5_0, 1 + 30 * 6));

        SynthPlan q6k = SynthPlan.of(SynthShape.SMOL_135M, GgmlType.Q6_K, 49152);
        assertThat(byName(q6k).get("blk.3.ffn_up.weight").type()).isEqualTo(GgmlType.Q8_0);
        assertThat(byName(q6k).get("blk.3.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
    }

    @Test
    void rejectsTypesSynthCannotWriteAndEmptyVocabularies() {
        assertThatThrownBy(() -> SynthPlan.of(SynthShape.TINY, GgmlType.IQ4_XS, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ4_XS");
        assertThatThrownBy(() -> SynthPlan.of(SynthShape.TINY, GgmlType.Q8_0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabulary");
    }

    @Test
    void shapesAreFoundByNameAndValidated() {
        assertThat(SynthShape.byName("LLAMA-1B")).contains(SynthShape.LLAMA_1B);
        assertThat(SynthShape.byName("tiny")).contains(SynthShape.TINY);
        assertThat(SynthShape.byName("gpt-5")).isEmpty();
        assertThat(SynthShape.SMOL_135M.headDim()).isEqualTo(64);
        assertThat(SynthShape.LLAMA_1B.kvDim()).isEqualTo(512);
        assertThatThrownBy(() -> new SynthShape("odd", 100, 1, 3, 1, 64, 16, 10000f))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void qwenArchitecturesAddTheirRandomVariantTensorsAndMistralIsRefused() {
        Map<String, SynthTensor> qwen2 = byName(SynthPlan.of(SynthShape.TINY, GgmlType.F32, 512, Architecture.QWEN2));
        assertThat(qwen2.get("blk.1.attn_q.bias").shape()).containsExactly(256);
        assertThat(qwen2.get("blk.1.attn_k.bias").shape()).containsExactly(128);
        assertThat(qwen2.get("blk.1.attn_v.bias").spread()).isEqualTo(SynthPlan.BIAS_STD);
        assertThat(qwen2).doesNotContainKey("blk.0.attn_q_norm.weight");

        Map<String, SynthTensor> qwen3 = byName(SynthPlan.of(SynthShape.TINY, GgmlType.F32, 512, Architecture.QWEN3));
        SynthTensor qNorm = qwen3.get("blk.0.attn_q_norm.weight");
        assertThat(qNorm.shape()).containsExactly(SynthShape.TINY.headDim());
        assertThat(qNorm.norm()).isTrue();
        assertThat(qNorm.spread()).isEqualTo(SynthPlan.QK_NORM_SPREAD);
        assertThat(qwen3).containsKey("blk.1.attn_k_norm.weight").doesNotContainKey("blk.0.attn_q.bias");

        assertThat(byName(SynthPlan.of(SynthShape.TINY, GgmlType.F32, 512)).get("blk.0.attn_norm.weight").spread())
                .as("llama norms stay all ones").isZero();
        assertThatThrownBy(() -> SynthPlan.of(SynthShape.TINY, GgmlType.F32, 512, Architecture.MISTRAL))
                .hasMessageContaining("mistral");
    }
}
