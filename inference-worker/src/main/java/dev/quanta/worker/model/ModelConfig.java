package dev.quanta.worker.model;

import java.util.Optional;

/**
 * Shape and hyper-parameters of a decoder model, read from GGUF metadata ({@code <arch>.*} keys) and validated.
 *
 * @param architecture   which variant of the shared graph
 * @param contextLength  training context in tokens ({@code <arch>.context_length})
 * @param dim            residual stream width ({@code <arch>.embedding_length})
 * @param numLayers      transformer blocks ({@code <arch>.block_count})
 * @param numHeads       query heads ({@code <arch>.attention.head_count})
 * @param numKvHeads     key/value heads, divides numHeads ({@code <arch>.attention.head_count_kv}, default numHeads)
 * @param headDim        elements per head for Q, K and V ({@code <arch>.attention.key_length}, default dim / numHeads)
 * @param ffnDim         hidden width of the SwiGLU FFN ({@code <arch>.feed_forward_length})
 * @param vocabSize      rows of the token embedding
 * @param rmsEps         RMSNorm epsilon ({@code <arch>.attention.layer_norm_rms_epsilon})
 * @param ropeTheta      RoPE base ({@code <arch>.rope.freq_base}, default 10000)
 * @param ropeDim        leading elements of each head that are rotated ({@code <arch>.rope.dimension_count}, default headDim)
 * @param ropeFreqScale  position scale for linear RoPE scaling (1 / {@code rope.scaling.factor}, 1 when absent)
 */
public record ModelConfig(
        Architecture architecture,
        int contextLength,
        int dim,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        float rmsEps,
        float ropeTheta,
        int ropeDim,
        float ropeFreqScale) {

    /** Typed view of GGUF metadata, so the config can be built (and tested) without a file. */
    public interface Metadata {
        Optional<String> string(String key);

        Optional<Long> integer(String key);

        Optional<Double> real(String key);
    }

    public ModelConfig {
        require(contextLength > 0, "context length must be positive, got " + contextLength);
        require(dim > 0 && numLayers > 0 && numHeads > 0 && ffnDim > 0 && vocabSize > 0,
                "dimensions must be positive (dim " + dim + ", layers " + numLayers + ", heads " + numHeads
                        + ", ffn " + ffnDim + ", vocab " + vocabSize + ")");
        require(numKvHeads > 0 && numHeads % numKvHeads == 0,
                "head count " + numHeads + " is not a multiple of the KV head count " + numKvHeads);
        require(headDim > 0 && headDim % 2 == 0, "head dimension must be positive and even, got " + headDim);
        require(ropeDim > 0 && ropeDim % 2 == 0 && ropeDim <= headDim,
                "RoPE dimension " + ropeDim + " must be even and at most the head dimension " + headDim);
        require(rmsEps > 0 && Float.isFinite(rmsEps), "RMSNorm epsilon must be positive, got " + rmsEps);
        require(ropeTheta > 0 && Float.isFinite(ropeTheta), "RoPE base must be positive, got " + ropeTheta);
        require(ropeFreqScale > 0 && Float.isFinite(ropeFreqScale), "RoPE scale must be positive, got " + ropeFreqScale);
    }

    /** Query heads sharing one KV head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** Width of the concatenated query heads: numHeads * headDim. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of the concatenated key (or value) heads: numKvHeads * headDim. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /**
     * Reads and validates the config.
     *
     * @param vocabSize rows of {@code token_embd.weight} (the tokenizer may list the same number)
     * @throws IllegalArgumentException naming the missing key, the bad value, or the unsupported architecture
     */
    public static ModelConfig fromMetadata(Metadata md, int vocabSize) {
        String archName = md.string("general.architecture")
                .orElseThrow(() -> new IllegalArgumentException("not a model file: general.architecture is missing"));
        Architecture arch = Architecture.fromGgufName(archName)
                .orElseThrow(() -> new IllegalArgumentException("unsupported architecture '" + archName
                        + "' (supported: " + Architecture.supportedNames() + ")"));
        String p = archName + ".";
        int dim = requiredInt(md, p + "embedding_length");
        int numHeads = requiredInt(md, p + "attention.head_count");
        int numKvHeads = optionalInt(md, p + "attention.head_count_kv", numHeads);
        require(numHeads > 0, p + "attention.head_count must be positive, got " + numHeads);
        int headDim = optionalInt(md, p + "attention.key_length", dim / numHeads);
        int valueDim = optionalInt(md, p + "attention.value_length", headDim);
        require(valueDim == headDim, "value head dimension " + valueDim + " differs from key head dimension "
                + headDim + " (not supported)");
        float scaleFactor = 1f;
        Optional<String> scalingType = md.string(p + "rope.scaling.type");
        if (scalingType.isPresent() && !scalingType.get().equals("none")) {
            require(scalingType.get().equals("linear"),
                    "unsupported RoPE scaling '" + scalingType.get() + "' (supported: none, linear)");
            scaleFactor = (float) md.real(p + "rope.scaling.factor").orElse(1.0).doubleValue();
        }
        return new ModelConfig(
                arch,
                requiredInt(md, p + "context_length"),
                dim,
                requiredInt(md, p + "block_count"),
                numHeads,
                numKvHeads,
                headDim,
                requiredInt(md, p + "feed_forward_length"),
                vocabSize,
                (float) md.real(p + "attention.layer_norm_rms_epsilon").orElseThrow(
                        () -> missing(p + "attention.layer_norm_rms_epsilon")).doubleValue(),
                (float) md.real(p + "rope.freq_base").orElse(10000.0).doubleValue(),
                optionalInt(md, p + "rope.dimension_count", headDim),
                scaleFactor == 0f ? 1f : 1f / scaleFactor);
    }

    private static int requiredInt(Metadata md, String key) {
        return toInt(key, md.integer(key).orElseThrow(() -> missing(key)));
    }

    private static int optionalInt(Metadata md, String key, int fallback) {
        return md.integer(key).map(v -> toInt(key, v)).orElse(fallback);
    }

    private static int toInt(String key, long value) {
        require(value >= 0 && value <= Integer.MAX_VALUE, key + " is out of range: " + value);
        return (int) value;
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("model metadata lacks " + key);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("invalid model: " + message);
        }
    }
}
