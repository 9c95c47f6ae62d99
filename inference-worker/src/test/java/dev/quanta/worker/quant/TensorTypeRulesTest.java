package dev.quanta.worker.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** llama_tensor_get_type's decisions for a Llama-3.2-1B-shaped model (16 layers, GQA 4) and odd row lengths. */
class TensorTypeRulesTest {

    static final TensorTypeRules.ModelInfo LLAMA_1B = new TensorTypeRules.ModelInfo("llama", 16, 32, 8, 0);

    /** The tensors of a dense Llama, in llama.cpp's order, with row length {@code dim} (ffn_down: {@code ffn}). */
    static List<TensorTypeRules.TensorShape> llama(int layers, int dim, int ffn, boolean untiedOutput) {
        List<String> names = new ArrayList<>();
        if (untiedOutput) {
            names.add("output.weight");
        }
        names.add("output_norm.weight");
        names.add("token_embd.weight");
        for (int l = 0; l < layers; l++) {
            for (String s : List.of("attn_k", "attn_norm", "attn_output", "attn_q", "attn_v", "ffn_down", "ffn_gate",
                    "ffn_norm", "ffn_up")) {
                names.add("blk." + l + "." + s + ".weight");
            }
        }
        names.sort(TensorTypeRules.ORDER);
        return names.stream().map(n -> new TensorTypeRules.TensorShape(n, n.contains("norm") ? 1 : 2,
                n.contains("ffn_down") ? ffn : dim, n.contains("norm") ? GgmlType.F32 : GgmlType.F16)).toList();
    }

    static Map<String, GgmlType> choose(TensorTypeRules.ModelInfo m, QuantFileType ft,
            List<TensorTypeRules.TensorShape> tensors, List<TensorTypeRules.Override> overrides, boolean imatrix) {
        List<GgmlType> types = new TensorTypeRules(m, ft, false, overrides, imatrix).choose(tensors);
        Map<String, GgmlType> out = new LinkedHashMap<>();
        for (int i = 0; i < tensors.size(); i++) {
            out.put(tensors.get(i).name(), types.get(i));
        }
        return out;
    }

    @Test
    void ordersTensorsByLayerNumberThenName() {
        List<String> names = new ArrayList<>(List.of("blk.10.attn_q.weight", "blk.2.ffn_up.weight",
                "token_embd.weight", "blk.2.attn_k.weight", "output.weight"));
        names.sort(TensorTypeRules.ORDER);
        assertThat(names).containsExactly("output.weight", "token_embd.weight", "blk.2.attn_k.weight",
                "blk.2.ffn_up.weight", "blk.10.attn_q.weight");
    }

    @Test
    void q4KMRaisesAttentionVAndFfnDownToQ6KOnTheLayersUseMoreBitsPicks() {
        Map<String, GgmlType> t = choose(LLAMA_1B, QuantFileType.Q4_K_M, llama(16, 2048, 8192, false), List.of(),
                false);
        // use_more_bits(i, 16): i < 2 || i >= 14 || (i - 2) % 3 == 2
        List<Integer> more = List.of(0, 1, 4, 7, 10, 13, 14, 15);
        for (int l = 0; l < 16; l++) {
            GgmlType want = more.contains(l) ? GgmlType.Q6_K : GgmlType.Q4_K;
            assertThat(t.get("blk." + l + ".attn_v.weight")).as("attn_v %d", l).isEqualTo(want);
            assertThat(t.get("blk." + l + ".ffn_down.weight")).as("ffn_down %d", l).isEqualTo(want);
            assertThat(t.get("blk." + l + ".attn_q.weight")).isEqualTo(GgmlType.Q4_K);
        }
        assertThat(t.get("token_embd.weight")).as("tied embedding takes the output's type").isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("output_norm.weight")).isEqualTo(GgmlType.F32);
    }

    @Test
    void q3KMGivesTheFirstTwoAttentionVQ5KAndAttentionOutputQ4K() {
        Map<String, GgmlType> t = choose(LLAMA_1B, QuantFileType.Q3_K_M, llama(16, 2048, 8192, true), List.of(),
                false);
        assertThat(t.get("blk.0.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(t.get("blk.1.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(t.get("blk.2.attn_v.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("blk.5.attn_output.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("blk.5.ffn_down.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("blk.5.ffn_up.weight")).isEqualTo(GgmlType.Q3_K);
        assertThat(t.get("output.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("token_embd.weight")).as("untied embedding keeps the default").isEqualTo(GgmlType.Q3_K);
    }

    @Test
    void q2KUsesQ4KForAttentionVWithGqa4AndQ3KForFfnDownAndAttentionOutput() {
        Map<String, GgmlType> t = choose(LLAMA_1B, QuantFileType.Q2_K, llama(16, 2048, 8192, false), List.of(), false);
        assertThat(t.get("blk.3.attn_v.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("blk.3.ffn_down.weight")).isEqualTo(GgmlType.Q3_K);
        assertThat(t.get("blk.3.attn_output.weight")).isEqualTo(GgmlType.Q3_K);
        assertThat(t.get("blk.3.attn_k.weight")).isEqualTo(GgmlType.Q2_K);
    }

    @Test
    void iq4NlRaisesAttentionVWithGqa4AndTheFirstEighthOfFfnDownWithoutAnImatrix() {
        Map<String, GgmlType> t = choose(LLAMA_1B, QuantFileType.IQ4_NL, llama(16, 2048, 8192, false), List.of(),
                false);
        assertThat(t.get("blk.9.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(t.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(t.get("blk.1.ffn_down.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(t.get("blk.2.ffn_down.weight")).isEqualTo(GgmlType.IQ4_NL);
        Map<String, GgmlType> withImatrix = choose(LLAMA_1B, QuantFileType.IQ4_NL, llama(16, 2048, 8192, false),
                List.of(), true);
        assertThat(withImatrix.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.IQ4_NL);
    }

    @Test
    void rowsNotAMultipleOf256FallBackAsLlamaCppDoes() {
        // SmolLM-135M: 576-wide rows, ffn_down rows 1536 = 6 x 256
        var smol = new TensorTypeRules.ModelInfo("llama", 30, 9, 3, 0);
        Map<String, GgmlType> t = choose(smol, QuantFileType.Q4_K_M, llama(30, 576, 1536, false), List.of(), false);
        assertThat(t.get("blk.0.attn_q.weight")).isEqualTo(GgmlType.Q5_0);
        assertThat(t.get("blk.0.attn_v.weight")).as("Q6_K by use_more_bits, then its fallback").isEqualTo(GgmlType.Q8_0);
        assertThat(t.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("blk.5.ffn_down.weight")).as("(5 - 30/8) % 3 == 2").isEqualTo(GgmlType.Q6_K);
        assertThat(t.get("blk.6.ffn_down.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(t.get("token_embd.weight")).as("576 % 256 != 0: Q8_0").isEqualTo(GgmlType.Q8_0);
        Map<String, GgmlType> q2 = choose(smol, QuantFileType.Q2_K, llama(30, 576, 1536, false), List.of(), false);
        assertThat(q2.get("blk.4.attn_q.weight")).isEqualTo(GgmlType.Q4_0);
        Map<String, GgmlType> q5 = choose(smol, QuantFileType.Q5_K_S, llama(30, 576, 1536, false), List.of(), false);
        assertThat(q5.get("blk.4.attn_q.weight")).isEqualTo(GgmlType.Q5_1);
        // rows of 100: not even a multiple of 32, so F16
        Map<String, GgmlType> odd = choose(smol, QuantFileType.Q6_K, llama(2, 576, 100, false), List.of(), false);
        assertThat(odd.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.F16);
    }

    @Test
    void rejectsA32BlockTypeForRowsItCannotHoldAndAcceptsAnOverride() {
        List<TensorTypeRules.TensorShape> stories = llama(5, 64, 172, true);
        var info = new TensorTypeRules.ModelInfo("llama", 5, 8, 4, 0);
        assertThatThrownBy(() -> choose(info, QuantFileType.Q4_0, stories, List.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blk.0.ffn_down.weight")
                .hasMessageContaining("--tensor-type ffn_down=F16");
        Map<String, GgmlType> t = choose(info, QuantFileType.Q4_0, stories,
                List.of(TensorTypeRules.Override.parse("ffn_down=F16")), false);
        assertThat(t.get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.F16);
        assertThat(t.get("output.weight")).as("Q6_K then its fallback").isEqualTo(GgmlType.Q8_0);
        assertThat(t.get("token_embd.weight")).isEqualTo(GgmlType.Q4_0);
    }

    @Test
    void pureGivesEveryQuantizableTensorTheDefaultType() {
        List<GgmlType> types = new TensorTypeRules(LLAMA_1B, QuantFileType.Q4_K_M, true, List.of(), false)
                .choose(llama(16, 2048, 8192, false));
        assertThat(types).containsOnly(GgmlType.Q4_K, GgmlType.F32);
    }

    @Test
    void rejectsMalformedOverrides() {
        assertThatThrownBy(() -> TensorTypeRules.Override.parse("ffn_down")).hasMessageContaining("PATTERN=TYPE");
        assertThatThrownBy(() -> TensorTypeRules.Override.parse("ffn_down=Q9_9")).hasMessageContaining("Q9_9");
        assertThatThrownBy(() -> TensorTypeRules.Override.parse("ffn_down=IQ2_XS")).hasMessageContaining("IQ2_XS");
    }
}
