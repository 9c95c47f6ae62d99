package dev.quanta.planner.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Predicts our CPU worker's single-stream speed and memory for one GGUF file on a calibrated CPU node. Pure.
 *
 * <p>Matrices: every {@code blk.N.*.weight} tensor with more than one row (Q, K, V, output projection, gate, up,
 * down), and the LM head ({@code output.weight}, else the tied {@code token_embd.weight}). For a matrix of type
 * {@code t}, the calibrated lines ({@link CpuCalibration.TypeRate}) give
 * <pre>
 * one token:  c_t + bytes / B_t                    (B_t: one-token streaming rate of type t)
 * P tokens:   c'_t + 2 · rows · cols · P / G_t     (G_t: many-token throughput of type t)
 * </pre>
 * <b>Decode</b>, the token at position p:
 * <pre>
 * T(p) = Σ_matrices (c_t + bytes / B_t)
 *      + L · (layerSeconds + layerSecondsPerElement · (dim + ffn))        norms, RoPE, KV store, SwiGLU, adds
 *      + L · 4 · kvHeads · headDim · p / readBandwidth                    reading p cached f16 K and V
 *      + vocab · tokenSecondsPerVocabEntry                                the logits row: copy and greedy pick
 * decode tok/s = n / Σ_{p=0}^{n-1} T(p)                                   n = generatedTokens (bench's tg n)
 * </pre>
 * <b>Prompt</b> of P tokens (one call per matrix; the last block's FFN and the LM head run for the one token whose
 * logits are wanted, so they cost one-token time):
 * <pre>
 * T = Σ_matrices (c'_t + 2 · rows · cols · P / G_t)
 *   + P · L · (layerSeconds + layerSecondsPerElement · (dim + ffn))
 *   + L · 4 · heads · headDim · P (P + 1) / 2 / attentionGops            the calibrated attention kernel
 *   + vocab · tokenSecondsPerVocabEntry                                   the one logits row
 * prompt tok/s = P / T
 * </pre>
 * <b>Memory</b> = Σ tensor bytes + 2 (K, V) · L · kvHeads · headDim · 2 bytes · context rounded up to 16-token
 * blocks (the worker's f16 KV cache for one sequence).
 */
public final class CpuWorkerModel {

    /** Tokens per KV block of the worker's cache. */
    public static final int KV_BLOCK_TOKENS = 16;

    private CpuWorkerModel() {}

    /** GGUF types of the file's matrices that {@code calibration} has no rate for (empty: predictable). */
    public static List<String> uncalibratedTypes(List<GgufTensor> tensors, CpuCalibration calibration) {
        TreeSet<String> missing = new TreeSet<>();
        for (GgufTensor t : matrices(tensors)) {
            if (calibration.rate(t.type()).isEmpty()) {
                missing.add(t.type());
            }
        }
        return List.copyOf(missing);
    }

    /**
     * @throws InvalidInputException when the tensors hold no matrices or a type is not calibrated
     */
    public static CpuWorkerEstimate predict(ModelShape model, List<GgufTensor> tensors, CpuCalibration calibration,
            int context, int promptTokens, int generatedTokens) {
        if (promptTokens < 1 || generatedTokens < 1) {
            throw new InvalidInputException("promptTokens", "promptTokens and generatedTokens must be positive");
        }
        List<GgufTensor> matrices = matrices(tensors);
        if (matrices.isEmpty()) {
            throw new InvalidInputException("model.tensors", "no weight matrices among the tensors");
        }
        List<String> missing = uncalibratedTypes(tensors, calibration);
        if (!missing.isEmpty()) {
            throw new InvalidInputException("model.tensors", "types not calibrated on this node: " + missing);
        }
        int layers = model.layers();
        int dim = model.hiddenSize();
        int ffn = ffnDim(tensors);
        int lastLayer = layers - 1;

        double weightsOneToken = 0;
        double weightsPrompt = 0;
        long matrixBytes = 0;
        for (GgufTensor m : matrices) {
            CpuCalibration.TypeRate r = calibration.rate(m.type()).orElseThrow();
            double one = r.decodeCallSeconds() + m.bytes() / (r.decodeGbPerSecond() * 1e9);
            weightsOneToken += one;
            matrixBytes += m.bytes();
            boolean oneRowInPrompt = !m.name().startsWith("blk.")
                    || (m.role().startsWith("ffn") && m.name().startsWith("blk." + lastLayer + "."));
            weightsPrompt += oneRowInPrompt ? one
                    : r.promptCallSeconds() + 2.0 * m.rows() * m.cols() * promptTokens / (r.promptGops() * 1e9);
        }
        double sampling = vocab(tensors, model) * calibration.tokenSecondsPerVocabEntry();
        double perLayer = calibration.layerSeconds() + calibration.layerSecondsPerElement() * (dim + ffn);
        double kvRowBytes = 2.0 * 2 * model.kvHeads() * model.headDim(); // K and V of one position, one layer, f16
        double readBytesPerSecond = calibration.readGbPerSecond() * 1e9;
        double n = generatedTokens;
        double decodeSeconds = n * (weightsOneToken + layers * perLayer + sampling)
                + layers * kvRowBytes * (n * (n - 1) / 2) / readBytesPerSecond;
        double p = promptTokens;
        double attentionOps = layers * 4.0 * model.attentionHeads() * model.headDim() * p * (p + 1) / 2;
        double promptSeconds = weightsPrompt + p * layers * perLayer + attentionOps / (calibration.attentionGops() * 1e9)
                + sampling;

        long tensorBytes = tensors.stream().mapToLong(GgufTensor::bytes).sum();
        long kvTokens = ((long) context + KV_BLOCK_TOKENS - 1) / KV_BLOCK_TOKENS * KV_BLOCK_TOKENS;
        long kvBytes = 2L * layers * model.kvHeads() * model.headDim() * 2 * kvTokens;

        Map<String, String> d = new LinkedHashMap<>();
        d.put("matrices", String.format(Locale.ROOT, "%d matrices, %d bytes (%s)", matrices.size(), matrixBytes,
                typeSummary(matrices)));
        d.put("decodeWeightsSecondsPerToken", fmt("Σ (callSeconds + bytes / decodeRate) over the matrices",
                weightsOneToken));
        d.put("layerSecondsPerToken", fmt(String.format(Locale.ROOT, "L %d × (%.3g + %.3g × (dim %d + ffn %d))",
                layers, calibration.layerSeconds(), calibration.layerSecondsPerElement(), dim, ffn),
                layers * perLayer));
        d.put("samplingSecondsPerToken", fmt(String.format(Locale.ROOT, "vocabulary %d × %.3g",
                vocab(tensors, model), calibration.tokenSecondsPerVocabEntry()), sampling));
        d.put("decodeSeconds", fmt(String.format(Locale.ROOT, "%d tokens × (weights + layers + sampling) + KV reads of "
                + "%.0f bytes per position over %.3g GB/s", generatedTokens, layers * kvRowBytes,
                calibration.readGbPerSecond()), decodeSeconds));
        d.put("decodeTokensPerSecond", String.format(Locale.ROOT, "%d / decodeSeconds", generatedTokens));
        d.put("promptSeconds", fmt(String.format(Locale.ROOT, "Σ (callSeconds + 2·rows·cols·%d / promptRate) "
                + "[last FFN and LM head: one token] + %d × layers + attention %.3g ops at %.3g GOPS + sampling",
                promptTokens, promptTokens, attentionOps, calibration.attentionGops()), promptSeconds));
        d.put("promptTokensPerSecond", String.format(Locale.ROOT, "%d / promptSeconds", promptTokens));
        d.put("memoryBytes", String.format(Locale.ROOT, "tensors %d + KV 2 × %d layers × %d KV heads × %d × 2 bytes "
                + "× %d tokens (context %d in blocks of %d) = %d", tensorBytes, layers, model.kvHeads(),
                model.headDim(), kvTokens, context, KV_BLOCK_TOKENS, kvBytes));
        d.put("calibration", String.format(Locale.ROOT, "%s, read %.3g GB/s, %d threads", calibration.kernels(),
                calibration.readGbPerSecond(), calibration.threads()));
        return new CpuWorkerEstimate(generatedTokens / decodeSeconds, promptTokens / promptSeconds, promptTokens,
                generatedTokens, context, tensorBytes, kvBytes, tensorBytes + kvBytes, d);
    }

    /** The matmul weights among {@code tensors}: blocks' 2-D weights and the LM head (tied: the embedding). */
    static List<GgufTensor> matrices(List<GgufTensor> tensors) {
        List<GgufTensor> blocks = tensors.stream().filter(t -> !t.role().isEmpty() && t.rows() > 1).toList();
        GgufTensor head = tensors.stream().filter(t -> t.name().equals("output.weight")).findFirst()
                .or(() -> tensors.stream().filter(t -> t.name().equals("token_embd.weight")).findFirst())
                .orElse(null);
        return head == null ? blocks : java.util.stream.Stream.concat(blocks.stream(), java.util.stream.Stream.of(head))
                .toList();
    }

    /** Vocabulary: rows of the LM head (the logits row's length), else the shape's. */
    static long vocab(List<GgufTensor> tensors, ModelShape model) {
        return tensors.stream().filter(t -> t.name().equals("output.weight")).findFirst()
                .or(() -> tensors.stream().filter(t -> t.name().equals("token_embd.weight")).findFirst())
                .map(GgufTensor::rows).orElse((long) model.vocabSize());
    }

    /** FFN width: rows of the first block's gate (or up) matrix, else the columns of its down matrix. */
    static int ffnDim(List<GgufTensor> tensors) {
        for (String role : List.of("ffn_gate", "ffn_up")) {
            for (GgufTensor t : tensors) {
                if (t.role().equals(role)) {
                    return (int) t.rows();
                }
            }
        }
        return tensors.stream().filter(t -> t.role().equals("ffn_down")).mapToInt(t -> (int) t.cols()).findFirst()
                .orElse(0);
    }

    private static String typeSummary(List<GgufTensor> matrices) {
        Map<String, Long> bytes = new java.util.TreeMap<>();
        matrices.forEach(m -> bytes.merge(m.type(), m.bytes(), Long::sum));
        StringBuilder s = new StringBuilder();
        bytes.forEach((t, b) -> s.append(s.isEmpty() ? "" : ", ").append(t).append(' ').append(b));
        return s.toString();
    }

    private static String fmt(String formula, double seconds) {
        return String.format(Locale.ROOT, "%s = %.6g s", formula, seconds);
    }
}
