package dev.quanta.worker.synth;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.model.Architecture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tensors a generated model has and how each is stored, as llama.cpp's llama architecture expects them:
 * tied embeddings (no {@code output.weight}), RMSNorm weights in F32, every matrix in the requested type, except
 * that K-quants need rows that are a multiple of 256 elements and fall back per tensor as llama.cpp's quantizer
 * does (Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0).
 *
 * @param shape      model hyper-parameters
 * @param type       requested matrix type
 * @param vocabSize  tokens in the vocabulary (rows of {@code token_embd.weight})
 * @param tensors    in file order
 * @param fallbacks  per fallback type, how many tensors use it instead of {@code type} (empty when none)
 * @param architecture {@code general.architecture}: llama, or qwen2 (adds Q/K/V biases, N(0, {@value #BIAS_STD}²))
 *                   or qwen3 (adds per-head Q/K RMSNorm weights, 1 + N(0, {@value #QK_NORM_SPREAD}²)); the
 *                   variant tensors are random so that a misplaced bias or norm changes the logits
 */
public record SynthPlan(SynthShape shape, GgmlType type, int vocabSize, List<SynthTensor> tensors,
        Map<GgmlType, Integer> fallbacks, Architecture architecture) {

    /** Standard deviation of Qwen2's Q/K/V biases (comparable to the projections' outputs, about 0.3). */
    public static final double BIAS_STD = 0.2;
    /** Standard deviation of Qwen3's Q/K norm weights around 1. */
    public static final double QK_NORM_SPREAD = 0.2;
    /** The architectures {@code synth} writes (llama.cpp has no "mistral" architecture: Mistral files are llama). */
    public static final Set<Architecture> ARCHITECTURES =
            Collections.unmodifiableSet(java.util.EnumSet.of(Architecture.LLAMA, Architecture.QWEN2, Architecture.QWEN3));

    /** The matrix types {@code synth} writes. */
    public static final Set<GgmlType> TYPES = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(List.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K)));

    public SynthPlan {
        tensors = List.copyOf(tensors);
        fallbacks = Collections.unmodifiableMap(new LinkedHashMap<>(fallbacks));
    }

    /**
     * Plans the tensors of {@code shape} stored as {@code type} with {@code vocabSize} tokens.
     *
     * @throws IllegalArgumentException for a type not in {@link #TYPES} or a non-positive vocabulary
     */
    public static SynthPlan of(SynthShape shape, GgmlType type, int vocabSize) {
        return of(shape, type, vocabSize, Architecture.LLAMA);
    }

    /** Like {@link #of(SynthShape, GgmlType, int)} for one of {@link #ARCHITECTURES}. */
    public static SynthPlan of(SynthShape shape, GgmlType type, int vocabSize, Architecture architecture) {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("architecture " + architecture.ggufName() + " is not supported by synth"
                    + " (use llama, qwen2 or qwen3)");
        }
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type " + type + " is not supported by synth (use one of " + TYPES + ")");
        }
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        }
        List<SynthTensor> tensors = new ArrayList<>();
        Map<GgmlType, Integer> fallbacks = new LinkedHashMap<>();
        long e = shape.embedding();
        long kv = shape.kvDim();
        long f = shape.ffn();
        tensors.add(matrix("token_embd.weight", type, e, vocabSize, fallbacks));
        tensors.add(norm("output_norm.weight", e));
        for (int i = 0; i < shape.layers(); i++) {
            String p = "blk." + i + ".";
            tensors.add(norm(p + "attn_norm.weight", e));
            tensors.add(matrix(p + "attn_q.weight", type, e, e, fallbacks));
            tensors.add(matrix(p + "attn_k.weight", type, e, kv, fallbacks));
            tensors.add(matrix(p + "attn_v.weight", type, e, kv, fallbacks));
            if (architecture.qkvBias()) {
                tensors.add(new SynthTensor(p + "attn_q.bias", GgmlType.F32, new long[] {e}, false, BIAS_STD));
                tensors.add(new SynthTensor(p + "attn_k.bias", GgmlType.F32, new long[] {kv}, false, BIAS_STD));
                tensors.add(new SynthTensor(p + "attn_v.bias", GgmlType.F32, new long[] {kv}, false, BIAS_STD));
            }
            if (architecture.qkNorm()) {
                long h = shape.headDim();
                tensors.add(new SynthTensor(p + "attn_q_norm.weight", GgmlType.F32, new long[] {h}, true, QK_NORM_SPREAD));
                tensors.add(new SynthTensor(p + "attn_k_norm.weight", GgmlType.F32, new long[] {h}, true, QK_NORM_SPREAD));
            }
            tensors.add(matrix(p + "attn_output.weight", type, e, e, fallbacks));
            tensors.add(norm(p + "ffn_norm.weight", e));
            tensors.add(matrix(p + "ffn_gate.weight", type, e, f, fallbacks));
            tensors.add(matrix(p + "ffn_up.weight", type, e, f, fallbacks));
            tensors.add(matrix(p + "ffn_down.weight", type, f, e, fallbacks));
        }
        return new SynthPlan(shape, type, vocabSize, tensors, fallbacks, architecture);
    }

    private static SynthTensor norm(String name, long n) {
        return new SynthTensor(name, GgmlType.F32, new long[] {n}, true);
    }

    private static SynthTensor matrix(String name, GgmlType type, long in, long out, Map<GgmlType, Integer> fallbacks) {
        GgmlType stored = storedType(type, in);
        if (stored != type) {
            fallbacks.merge(stored, 1, Integer::sum);
        }
        return new SynthTensor(name, stored, new long[] {in, out}, false);
    }

    /** {@code type}, or llama.cpp's fallback when rows of {@code rowLength} are not whole blocks of it. */
    static GgmlType storedType(GgmlType type, long rowLength) {
        if (rowLength % type.blockSize() == 0) {
            return type;
        }
        GgmlType fallback = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> GgmlType.F16;
        };
        return rowLength % fallback.blockSize() == 0 ? fallback : GgmlType.F16;
    }

    /** llama.cpp's {@code llama_ftype} for a file whose matrices are mostly {@code type}. */
    public int fileType() {
        return switch (type) {
            case F32 -> 0; // ALL_F32
            case F16 -> 1; // MOSTLY_F16
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q4_K -> 14; // MOSTLY_Q4_K_S: every matrix Q4_K
            case Q5_K -> 16; // MOSTLY_Q5_K_S
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> throw new IllegalStateException("no file type for " + type);
        };
    }

    /** Whether the matrices are quantized (then {@code general.quantization_version} is written). */
    public boolean quantized() {
        return type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16;
    }

    public long parameterCount() {
        return tensors.stream().mapToLong(SynthTensor::numElements).sum();
    }

    public long dataBytes() {
        return tensors.stream().mapToLong(SynthTensor::sizeBytes).sum();
    }
}
