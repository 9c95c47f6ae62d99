package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufWriter;
import dev.quanta.kernels.JavaKernelOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2 (QKV bias) and Qwen3 (per-head Q/K norm, head dim wider than dim / heads) files load and run, and their
 * variant-specific tensors take part in the result. Tiny random F32 models written with GgufWriter.
 *
 * <p>These only show that the variant tensors are read and used; whether they are used as llama.cpp uses them
 * (NeoX pairing, norm placement, bias) is {@link LlamaCppGoldenTest}'s job, against llama.cpp's own logits.
 */
class ArchitectureVariantsTest {

    static final int DIM = 64;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final int FFN = 96;
    static final int VOCAB = 40;
    static final int LAYERS = 2;

    @TempDir
    Path dir;

    @Test
    void qwen3WithWideHeadsAndQkNormRunsAndUsesTheNorms() throws Exception {
        int headDim = 32; // qDim 128 != dim 64
        float[] a = logits(write("qwen3", headDim, 1f, 0f), new int[] {3, 7, 11});
        float[] b = logits(write("qwen3", headDim, 0.5f, 0f), new int[] {3, 7, 11});
        assertFinite(a);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void qwen2RunsAndUsesTheQkvBias() throws Exception {
        int headDim = DIM / HEADS;
        float[] a = logits(write("qwen2", headDim, 1f, 0f), new int[] {3, 7, 11});
        float[] b = logits(write("qwen2", headDim, 1f, 0.5f), new int[] {3, 7, 11});
        assertFinite(a);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void qwen2WithoutItsBiasTensorsIsRejectedNamingTheTensor() throws Exception {
        Path file = writeWith("qwen2", DIM / HEADS, 1f, 0f, false);
        assertThatThrownBy(() -> LlamaModel.open(file).close()).hasMessageContaining("blk.0.attn_q.bias is missing");
    }

    private float[] logits(Path file, int[] tokens) throws Exception {
        try (LlamaModel model = LlamaModel.open(file);
             KvCache cache = new KvCache(model.config(), 2, 16, GgmlType.F16);
             ForwardPass pass = new ForwardPass(model, cache, new JavaKernelOps(), 8, 1)) {
            Batch batch = new Batch(8);
            int[] table = {0, 1};
            for (int i = 0; i < tokens.length; i++) {
                batch.add(tokens[i], i, table, i == tokens.length - 1);
            }
            MemorySegment out = pass.forward(batch);
            return out.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
        }
    }

    private Path write(String arch, int headDim, float qkNormValue, float biasValue) throws Exception {
        return writeWith(arch, headDim, qkNormValue, biasValue, true);
    }

    private Path writeWith(String arch, int headDim, float qkNormValue, float biasValue, boolean withBias)
            throws Exception {
        Random random = new Random(42);
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        w.putUInt32(arch + ".context_length", 64);
        w.putUInt32(arch + ".embedding_length", DIM);
        w.putUInt32(arch + ".block_count", LAYERS);
        w.putUInt32(arch + ".feed_forward_length", FFN);
        w.putUInt32(arch + ".attention.head_count", HEADS);
        w.putUInt32(arch + ".attention.head_count_kv", KV_HEADS);
        w.putUInt32(arch + ".attention.key_length", headDim);
        w.putUInt32(arch + ".attention.value_length", headDim);
        w.putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f);
        w.putFloat32(arch + ".rope.freq_base", 1000000f);
        int qDim = HEADS * headDim;
        int kvDim = KV_HEADS * headDim;
        matrix(w, "token_embd.weight", VOCAB, DIM, random);
        vector(w, "output_norm.weight", DIM, 1f);
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            vector(w, p + "attn_norm.weight", DIM, 1f);
            matrix(w, p + "attn_q.weight", qDim, DIM, random);
            matrix(w, p + "attn_k.weight", kvDim, DIM, random);
            matrix(w, p + "attn_v.weight", kvDim, DIM, random);
            if (arch.equals("qwen2") && withBias) {
                vector(w, p + "attn_q.bias", qDim, biasValue);
                vector(w, p + "attn_k.bias", kvDim, biasValue);
                vector(w, p + "attn_v.bias", kvDim, biasValue);
            }
            if (arch.equals("qwen3")) {
                vector(w, p + "attn_q_norm.weight", headDim, qkNormValue);
                vector(w, p + "attn_k_norm.weight", headDim, qkNormValue);
            }
            matrix(w, p + "attn_output.weight", DIM, qDim, random);
            vector(w, p + "ffn_norm.weight", DIM, 1f);
            matrix(w, p + "ffn_gate.weight", FFN, DIM, random);
            matrix(w, p + "ffn_up.weight", FFN, DIM, random);
            matrix(w, p + "ffn_down.weight", DIM, FFN, random);
        }
        Path file = dir.resolve(arch + "-" + qkNormValue + "-" + biasValue + "-" + withBias + ".gguf");
        w.write(file);
        return file;
    }

    private static void matrix(GgufWriter w, String name, int rows, int cols, Random random) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            b.putFloat((float) (random.nextGaussian() * 0.2));
        }
        w.addTensor(name, GgmlType.F32, new long[] {cols, rows}, b.array());
    }

    private static void vector(GgufWriter w, String name, int n, float value) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(value);
        }
        w.addTensor(name, GgmlType.F32, new long[] {n}, b.array());
    }

    private static void assertFinite(float[] logits) {
        assertThat(logits).hasSize(VOCAB);
        for (float f : logits) {
            assertThat(Float.isFinite(f)).isTrue();
        }
    }
}
