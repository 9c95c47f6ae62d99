package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The file types {@code quantize} makes: llama.cpp's {@code llama_ftype} values (written to
 * {@code general.file_type}) and the tensor type each one starts from ({@code llama_ftype_get_default_type});
 * the _S/_M/_L mixes then raise some tensors ({@link TensorTypeRules}).
 */
public enum QuantFileType {
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q8_0(7, GgmlType.Q8_0),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K),
    IQ4_NL(25, GgmlType.IQ4_NL);

    private final int ftype;
    private final GgmlType defaultType;

    QuantFileType(int ftype, GgmlType defaultType) {
        this.ftype = ftype;
        this.defaultType = defaultType;
    }

    /** {@code general.file_type} (llama_ftype). */
    public int ftype() {
        return ftype;
    }

    /** The type most tensors get. */
    public GgmlType defaultType() {
        return defaultType;
    }

    /** The type named {@code name} (case-insensitive, as llama-quantize accepts it), or empty. */
    public static Optional<QuantFileType> parse(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.name().equals(upper)).findFirst();
    }

    /** The names accepted, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
