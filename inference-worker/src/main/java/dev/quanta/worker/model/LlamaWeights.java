package dev.quanta.worker.model;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * All weights of a Llama-family model, viewed in place in the mapped file (llama.cpp tensor names).
 *
 * @param tokenEmbedding [vocabSize][dim] ({@code token_embd.weight}); rows are dequantized on lookup
 * @param layers         numLayers blocks
 * @param outputNorm     f32 [dim]
 * @param output         [vocabSize][dim]; the token embedding itself when the file ties them
 * @param ropeFreqFactors f32 [ropeDim / 2] divisors of each RoPE frequency (Llama 3.1+ scaling), or null
 */
public record LlamaWeights(
        WeightMatrix tokenEmbedding,
        List<LayerWeights> layers,
        MemorySegment outputNorm,
        WeightMatrix output,
        float[] ropeFreqFactors) {

    /** Whether the output projection reuses the token embedding. */
    public boolean tiedEmbeddings() {
        return output == tokenEmbedding;
    }

    /**
     * Finds and checks every tensor the architecture needs.
     *
     * @throws IllegalArgumentException naming the first missing or mis-shaped tensor
     */
    public static LlamaWeights load(ModelConfig c, TensorSource src) {
        Architecture arch = c.architecture();
        WeightMatrix embedding = matrix(src, "token_embd.weight", c.vocabSize(), c.dim());
        List<LayerWeights> layers = new ArrayList<>(c.numLayers());
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "blk." + i + ".";
            layers.add(new LayerWeights(
                    vector(src, p + "attn_norm.weight", c.dim(), true),
                    matrix(src, p + "attn_q.weight", c.qDim(), c.dim()),
                    matrix(src, p + "attn_k.weight", c.kvDim(), c.dim()),
                    matrix(src, p + "attn_v.weight", c.kvDim(), c.dim()),
                    vector(src, p + "attn_q.bias", c.qDim(), arch.qkvBias()),
                    vector(src, p + "attn_k.bias", c.kvDim(), arch.qkvBias()),
                    vector(src, p + "attn_v.bias", c.kvDim(), arch.qkvBias()),
                    vector(src, p + "attn_q_norm.weight", c.headDim(), arch.qkNorm()),
                    vector(src, p + "attn_k_norm.weight", c.headDim(), arch.qkNorm()),
                    matrix(src, p + "attn_output.weight", c.dim(), c.qDim()),
                    vector(src, p + "ffn_norm.weight", c.dim(), true),
                    matrix(src, p + "ffn_gate.weight", c.ffnDim(), c.dim()),
                    matrix(src, p + "ffn_up.weight", c.ffnDim(), c.dim()),
                    matrix(src, p + "ffn_down.weight", c.dim(), c.ffnDim())));
        }
        MemorySegment outputNorm = vector(src, "output_norm.weight", c.dim(), true);
        WeightMatrix output = src.find("output.weight").isPresent()
                ? matrix(src, "output.weight", c.vocabSize(), c.dim())
                : embedding;
        float[] freqFactors = null;
        MemorySegment rf = vector(src, "rope_freqs.weight", c.ropeDim() / 2, false);
        if (rf != null) {
            freqFactors = rf.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
        }
        return new LlamaWeights(embedding, List.copyOf(layers), outputNorm, output, freqFactors);
    }

    private static WeightMatrix matrix(TensorSource src, String name, int rows, int cols) {
        TensorSource.Tensor t = src.find(name)
                .orElseThrow(() -> new IllegalArgumentException("invalid model: tensor " + name + " is missing"));
        long[] shape = t.shape();
        if (shape.length != 2 || shape[0] != cols || shape[1] != rows) {
            throw new IllegalArgumentException("invalid model: tensor " + name + " has shape "
                    + java.util.Arrays.toString(shape) + ", expected [" + cols + ", " + rows + "]");
        }
        if (!t.type().isComputeSupported()) {
            throw new IllegalArgumentException("unsupported tensor type " + t.type() + " for " + name);
        }
        return new WeightMatrix(name, t.type(), t.data(), rows, cols);
    }

    private static MemorySegment vector(TensorSource src, String name, int length, boolean required) {
        var found = src.find(name);
        if (found.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException("invalid model: tensor " + name + " is missing");
            }
            return null;
        }
        TensorSource.Tensor t = found.get();
        long elements = 1;
        for (long d : t.shape()) {
            elements *= d;
        }
        if (t.type() != GgmlType.F32 || elements != length || t.data().byteSize() != 4L * length) {
            throw new IllegalArgumentException("invalid model: tensor " + name + " must be F32 [" + length
                    + "], found " + t.type() + " " + java.util.Arrays.toString(t.shape()));
        }
        return t.data();
    }
}
