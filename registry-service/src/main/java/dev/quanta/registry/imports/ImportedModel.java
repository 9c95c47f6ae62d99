package dev.quanta.registry.imports;

import dev.quanta.gguf.GgufSummary;
import dev.quanta.registry.model.ModelFields;
import dev.quanta.registry.model.ModelKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a GGUF header says about a model, as profile fields. Pure: no Spring.
 *
 * <p>Key: the request's, else the slug of {@code general.name}, else (name absent or just the architecture,
 * as in many converted files) the file name without {@code .gguf} and without a trailing quantization
 * suffix ({@code stories260K-Q8_0.gguf} → {@code stories260k}), so every quantization of a model lands on one
 * profile. Family: the architecture's leading letters ({@code qwen2} → {@code qwen}).
 *
 * @param parametersBillions tensor element count ÷ 10^9
 */
public record ImportedModel(
        String key,
        String name,
        String family,
        String architecture,
        Double parametersBillions,
        Integer layers,
        Integer hiddenSize,
        Integer attentionHeads,
        Integer kvHeads,
        Integer headDim,
        Integer contextLength,
        Integer vocabSize,
        String quantType)
        implements ModelFields {

    /** Thrown when the file lacks what a profile needs; the message lists the missing metadata keys. */
    public static final class IncompleteModelException extends Exception {
        IncompleteModelException(String message) {
            super(message);
        }
    }

    private static final String QUANT_SUFFIX =
            "(?i)[-._](f32|f16|bf16|q\\d[a-z0-9_]*|iq\\d[a-z0-9_]*|tq\\d[a-z0-9_]*|mxfp4[a-z0-9_]*)$";

    /** fp16 memory is derived from the parameters (× 2 bytes) like any profile created without it. */
    @Override
    public Double fp16MemoryGb() {
        return null;
    }

    public static ImportedModel of(GgufSummary s, String fileName, String requestedKey)
            throws IncompleteModelException {
        String arch = s.architecture().map(a -> a.strip().toLowerCase(Locale.ROOT)).orElse("");
        List<String> missing = new ArrayList<>();
        if (!ModelKeys.isValid(arch)) {
            missing.add("general.architecture");
        }
        Integer layers = positive(s.blockCount(), arch + ".block_count", missing);
        Integer hidden = positive(s.embeddingLength(), arch + ".embedding_length", missing);
        Integer heads = positive(s.headCount(), arch + ".attention.head_count", missing);
        Integer kvHeads = positive(s.headCountKv(), arch + ".attention.head_count_kv", missing);
        Integer headDim = positive(s.headDim(), arch + ".attention.key_length", missing);
        Integer context = positive(s.contextLength(), arch + ".context_length", missing);
        Integer vocab = positive(s.vocabSize(), arch + ".vocab_size or tokenizer.ggml.tokens", missing);
        if (s.parameterCount() <= 0) {
            missing.add("tensors");
        }
        if (!missing.isEmpty()) {
            throw new IncompleteModelException("the GGUF header lacks what a model profile needs: "
                    + String.join(", ", missing));
        }
        String stem = fileName.replaceFirst("(?i)\\.gguf$", "");
        String name = s.name().map(String::strip).filter(n -> !n.isEmpty() && !n.equalsIgnoreCase(arch))
                .orElse(stem.replaceFirst(QUANT_SUFFIX, ""));
        String key = requestedKey != null ? requestedKey : ModelKeys.slug(name);
        if (!ModelKeys.isValid(key)) {
            throw new IncompleteModelException("cannot derive a model key from '" + name + "'; send one as 'key'");
        }
        String family = arch.replaceFirst("^([a-z]+).*$", "$1");
        return new ImportedModel(key, name.length() > 200 ? name.substring(0, 200) : name,
                family.isEmpty() ? arch : family, arch, s.parameterCount() / 1e9, layers, hidden, heads, kvHeads,
                headDim, context, vocab, s.quantization());
    }

    private static Integer positive(OptionalLong value, String key, List<String> missing) {
        if (value.isEmpty() || value.getAsLong() <= 0 || value.getAsLong() > Integer.MAX_VALUE) {
            missing.add(key);
            return null;
        }
        return (int) value.getAsLong();
    }
}
