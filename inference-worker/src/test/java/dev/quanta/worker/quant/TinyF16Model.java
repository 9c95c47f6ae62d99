package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes the quantization fixture: a tiny Llama-architecture F16 model (no tokenizer) whose tensors exercise
 * llama.cpp's mix rules and fallbacks: 256-wide rows everywhere except FFN-down (64-wide: not a multiple of 256,
 * so K-quants fall back), 4 layers (so {@code use_more_bits} picks some), 4 query heads over 1 KV head
 * (GQA 4, which raises attention-V in Q2_K and IQ4_NL), and an untied output matrix. Weights N(0, 0.02²) from a
 * fixed seed, norms 1. Run {@code main(path)} to write it; {@code src/test/resources/quant/README.md} says how
 * llama-quantize's outputs were made from it.
 */
public final class TinyF16Model {

    static final int DIM = 256;
    static final int LAYERS = 4;
    static final int HEADS = 4;
    static final int KV_HEADS = 1;
    static final int FFN = 64;
    static final int VOCAB = 256;

    private TinyF16Model() {}

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]), 20251205L);
    }

    static void write(Path out, long seed) throws IOException {
        Random rnd = new Random(seed);
        int kvDim = DIM / HEADS * KV_HEADS;
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama")
                .putString("general.name", "quant-fixture-tiny")
                .putUInt32("general.file_type", 1)
                .putUInt32("llama.context_length", 256)
                .putUInt32("llama.embedding_length", DIM)
                .putUInt32("llama.block_count", LAYERS)
                .putUInt32("llama.feed_forward_length", FFN)
                .putUInt32("llama.attention.head_count", HEADS)
                .putUInt32("llama.attention.head_count_kv", KV_HEADS)
                .putUInt32("llama.rope.dimension_count", DIM / HEADS)
                .putFloat32("llama.rope.freq_base", 10000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUInt32("llama.vocab_size", VOCAB);
        w.addTensor("token_embd.weight", GgmlType.F16, new long[] {DIM, VOCAB}, f16(rnd, DIM * VOCAB));
        w.addTensor("output_norm.weight", GgmlType.F32, new long[] {DIM}, ones(DIM));
        w.addTensor("output.weight", GgmlType.F16, new long[] {DIM, VOCAB}, f16(rnd, DIM * VOCAB));
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {DIM}, ones(DIM));
            w.addTensor(p + "attn_q.weight", GgmlType.F16, new long[] {DIM, DIM}, f16(rnd, DIM * DIM));
            w.addTensor(p + "attn_k.weight", GgmlType.F16, new long[] {DIM, kvDim}, f16(rnd, DIM * kvDim));
            w.addTensor(p + "attn_v.weight", GgmlType.F16, new long[] {DIM, kvDim}, f16(rnd, DIM * kvDim));
            w.addTensor(p + "attn_output.weight", GgmlType.F16, new long[] {DIM, DIM}, f16(rnd, DIM * DIM));
            w.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {DIM}, ones(DIM));
            w.addTensor(p + "ffn_gate.weight", GgmlType.F16, new long[] {DIM, FFN}, f16(rnd, DIM * FFN));
            w.addTensor(p + "ffn_up.weight", GgmlType.F16, new long[] {DIM, FFN}, f16(rnd, DIM * FFN));
            w.addTensor(p + "ffn_down.weight", GgmlType.F16, new long[] {FFN, DIM}, f16(rnd, FFN * DIM));
        }
        w.write(out);
    }

    private static byte[] f16(Random rnd, int n) {
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putShort(Float.floatToFloat16((float) (rnd.nextGaussian() * 0.02)));
        }
        return b.array();
    }

    private static byte[] ones(int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(1f);
        }
        return b.array();
    }
}
