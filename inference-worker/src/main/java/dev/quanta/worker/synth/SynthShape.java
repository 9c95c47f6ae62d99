package dev.quanta.worker.synth;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hyper-parameters of a generated Llama-architecture model.
 *
 * @param name           shape name, used as {@code general.name} ("synth-" + name)
 * @param embedding      residual width ({@code llama.embedding_length}); a multiple of {@code heads}
 * @param layers         transformer blocks ({@code llama.block_count})
 * @param heads          query heads ({@code llama.attention.head_count})
 * @param kvHeads        key/value heads, dividing {@code heads} ({@code llama.attention.head_count_kv})
 * @param ffn            SwiGLU hidden width ({@code llama.feed_forward_length})
 * @param context        training context in tokens ({@code llama.context_length})
 * @param ropeTheta      RoPE base ({@code llama.rope.freq_base})
 */
public record SynthShape(String name, int embedding, int layers, int heads, int kvHeads, int ffn, int context,
        float ropeTheta) {

    /** SmolLM-135M's shape. */
    public static final SynthShape SMOL_135M = new SynthShape("smol-135m", 576, 30, 9, 3, 1536, 2048, 100000f);
    /** Llama-3.2-1B's shape. */
    public static final SynthShape LLAMA_1B = new SynthShape("llama-1b", 2048, 16, 32, 8, 8192, 4096, 500000f);
    /** A toy shape for tests and smoke runs (hidden from the help); every row is a multiple of 256. */
    public static final SynthShape TINY = new SynthShape("tiny", 256, 2, 4, 2, 512, 256, 10000f);
    /** A toy shape in Mistral 7B's proportions (hidden): four query heads per KV head, RoPE base 10⁶. */
    public static final SynthShape TINY_MISTRAL = new SynthShape("tiny-mistral", 256, 2, 8, 2, 512, 256, 1e6f);

    /** The shapes {@code --shape} accepts, in help order. */
    public static final List<SynthShape> PUBLISHED = List.of(SMOL_135M, LLAMA_1B);

    public SynthShape {
        if (embedding <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || ffn <= 0 || context <= 0) {
            throw new IllegalArgumentException("shape " + name + ": every dimension must be positive");
        }
        if (embedding % heads != 0 || heads % kvHeads != 0 || (embedding / heads) % 2 != 0) {
            throw new IllegalArgumentException("shape " + name + ": embedding " + embedding + " must split into "
                    + heads + " heads of even size, and heads must be a multiple of the " + kvHeads + " KV heads");
        }
        if (!(ropeTheta > 0) || !Float.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("shape " + name + ": RoPE base must be positive, got " + ropeTheta);
        }
    }

    /** Elements per attention head: embedding / heads ({@code llama.rope.dimension_count}). */
    public int headDim() {
        return embedding / heads;
    }

    /** Width of the concatenated K (or V) heads: kvHeads · headDim. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /** The published or hidden shape called {@code name} (case-insensitive). */
    public static Optional<SynthShape> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return java.util.stream.Stream.of(SMOL_135M, LLAMA_1B, TINY, TINY_MISTRAL).filter(s -> s.name.equals(n)).findFirst();
    }
}
