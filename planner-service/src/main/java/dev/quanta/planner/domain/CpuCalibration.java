package dev.quanta.planner.domain;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code quanta calibrate} measured on a CPU node, with our own kernels on synthetic data (never a model file):
 * the figures {@link CpuWorkerModel} predicts the CPU worker's speed from.
 *
 * @param threads kernel threads the figures were measured with
 * @param kernels the kernels' description, e.g. {@code native avx512+vnni, 2 threads}
 * @param readGbPerSecond streaming read bandwidth, all threads, GB/s (10^9 bytes/s)
 * @param layerSeconds fixed cost per token of one block's steps other than weight matmuls (norms, RoPE, KV store,
 *     attention over a short context, residual adds, SwiGLU), s
 * @param layerSecondsPerElement the same steps' cost per element of (model width + FFN width), s
 * @param tokenSecondsPerVocabEntry per token, copying its logits row and picking the next token, s per entry
 * @param attentionGops the attention kernel's throughput over a causal prompt of {@code promptTokens} tokens,
 *     10^9 operations (multiplies and adds) per second
 * @param promptTokens tokens per call of the many-token matmul rates
 * @param types per weight type (GGUF type name), the fitted matmul lines
 * @param calibratedAt when the planner stored it ({@code null} before)
 */
public record CpuCalibration(int threads, String kernels, double readGbPerSecond, double layerSeconds,
        double layerSecondsPerElement, double tokenSecondsPerVocabEntry, double attentionGops, int promptTokens,
        List<TypeRate> types, Instant calibratedAt) {

    /**
     * One weight type's matmul lines: one token costs {@code decodeCallSeconds + bytes / (decodeGbPerSecond·10^9)},
     * a many-token call {@code promptCallSeconds + 2·rows·cols·tokens / (promptGops·10^9)}.
     */
    public record TypeRate(String type, double decodeCallSeconds, double decodeGbPerSecond, double promptCallSeconds,
            double promptGops) {

        public TypeRate {
            check(type != null && type.matches("[A-Za-z0-9_]{1,16}"), "calibration.types.type",
                    "must be a GGUF type name such as Q4_0");
            type = type.toUpperCase(Locale.ROOT);
            check(nonNegative(decodeCallSeconds), "calibration.types.decodeCallSeconds", "must be >= 0");
            check(positive(decodeGbPerSecond), "calibration.types.decodeGbPerSecond", "must be positive");
            check(nonNegative(promptCallSeconds), "calibration.types.promptCallSeconds", "must be >= 0");
            check(positive(promptGops), "calibration.types.promptGops", "must be positive");
        }
    }

    public CpuCalibration {
        check(threads > 0, "calibration.threads", "must be positive");
        check(positive(readGbPerSecond), "calibration.readGbPerSecond", "must be positive");
        check(nonNegative(layerSeconds), "calibration.layerSeconds", "must be >= 0");
        check(nonNegative(layerSecondsPerElement), "calibration.layerSecondsPerElement", "must be >= 0");
        check(nonNegative(tokenSecondsPerVocabEntry), "calibration.tokenSecondsPerVocabEntry", "must be >= 0");
        check(positive(attentionGops), "calibration.attentionGops", "must be positive");
        check(promptTokens > 0, "calibration.promptTokens", "must be positive");
        check(types != null && !types.isEmpty(), "calibration.types", "must list at least one type");
        types = List.copyOf(types);
        check(types.stream().map(TypeRate::type).distinct().count() == types.size(), "calibration.types",
                "must list each type once");
    }

    /** The rate of {@code type} (GGUF name, any case), if calibrated. */
    public Optional<TypeRate> rate(String type) {
        return types.stream().filter(t -> t.type().equalsIgnoreCase(type)).findFirst();
    }

    /** This calibration stamped with the time it was stored. */
    public CpuCalibration storedAt(Instant at) {
        return new CpuCalibration(threads, kernels, readGbPerSecond, layerSeconds, layerSecondsPerElement,
                tokenSecondsPerVocabEntry, attentionGops, promptTokens, types, at);
    }

    private static boolean positive(double v) {
        return Double.isFinite(v) && v > 0;
    }

    private static boolean nonNegative(double v) {
        return Double.isFinite(v) && v >= 0;
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidInputException(field, field + " " + message);
        }
    }
}
