package dev.quanta.worker.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The decoder-only architectures the forward pass computes, named as in GGUF's {@code general.architecture}.
 * They share one graph (RMSNorm, GQA attention with RoPE, SwiGLU FFN) and differ only in these switches.
 */
public enum Architecture {
    /** Llama 1/2/3 (Llama-3 frequency scaling comes as a {@code rope_freqs.weight} tensor); Mistral 7B is stored as llama. */
    LLAMA("llama", false, false, false),
    /** Mistral under its own name (some converters). Same graph as llama. */
    MISTRAL("mistral", false, false, false),
    /** Qwen2 / Qwen2.5: bias on Q, K and V projections, NeoX RoPE. */
    QWEN2("qwen2", true, false, true),
    /** Qwen3 (dense): RMSNorm on each head of Q and K before RoPE, NeoX RoPE, no bias. */
    QWEN3("qwen3", false, true, true);

    private final String ggufName;
    private final boolean qkvBias;
    private final boolean qkNorm;
    private final boolean ropeNeox;

    Architecture(String ggufName, boolean qkvBias, boolean qkNorm, boolean ropeNeox) {
        this.ggufName = ggufName;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
        this.ropeNeox = ropeNeox;
    }

    /** The {@code general.architecture} value, also the prefix of the architecture's metadata keys. */
    public String ggufName() {
        return ggufName;
    }

    /** Whether Q, K and V projections carry a bias vector. */
    public boolean qkvBias() {
        return qkvBias;
    }

    /** Whether Q and K are RMS-normalised per head before RoPE. */
    public boolean qkNorm() {
        return qkNorm;
    }

    /** NeoX RoPE rotates (x[i], x[i + ropeDim/2]); normal RoPE rotates adjacent pairs (x[2i], x[2i+1]). */
    public boolean ropeNeox() {
        return ropeNeox;
    }

    public static Optional<Architecture> fromGgufName(String name) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(name)).findFirst();
    }

    /** "llama, mistral, qwen2, qwen3", for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::ggufName).collect(Collectors.joining(", "));
    }
}
