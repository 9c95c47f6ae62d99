package dev.quanta.worker.quant;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code quantize} makes.
 *
 * @param input           the GGUF to read (F32/F16/BF16 tensors, or quantized ones with {@code allowRequantize})
 * @param output          the GGUF to write; must not exist
 * @param fileType        the target file type
 * @param overrides       {@code --tensor-type} patterns, first match wins; empty for none
 * @param imatrix         the importance matrix, or null
 * @param threads         threads quantizing rows in parallel (the bytes do not depend on it); ≥ 1
 * @param allowRequantize whether tensors already quantized may be dequantized and quantized again
 * @param pure            no mix rules: every quantizable tensor gets the default type (overrides still apply)
 */
public record QuantizeOptions(Path input, Path output, QuantFileType fileType, List<TensorTypeRules.Override> overrides,
        Imatrix imatrix, int threads, boolean allowRequantize, boolean pure) {

    public QuantizeOptions {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(fileType, "fileType");
        overrides = List.copyOf(overrides);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
    }
}
