package dev.quanta.gguf;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The facts about a model that the registry import and {@code gguf-info} show, derived from a header.
 * Architecture values absent from the file are empty rather than guessed (head dim falls back to
 * embedding length ÷ head count, vocab size to the token array length, as llama.cpp does).
 *
 * @param version              GGUF version
 * @param architecture         {@code general.architecture}, e.g. {@code llama}
 * @param name                 {@code general.name}
 * @param contextLength        {@code {arch}.context_length}, tokens
 * @param embeddingLength      {@code {arch}.embedding_length} (d_model)
 * @param blockCount           {@code {arch}.block_count} (layers)
 * @param feedForwardLength    {@code {arch}.feed_forward_length} (largest, when per layer)
 * @param headCount            {@code {arch}.attention.head_count} (largest, when per layer)
 * @param headCountKv          {@code {arch}.attention.head_count_kv}, defaulting to head count like llama.cpp
 * @param headDim              {@code {arch}.attention.key_length} or embedding length ÷ head count
 * @param vocabSize            {@code {arch}.vocab_size} or the length of {@code tokenizer.ggml.tokens}
 * @param parameterCount       sum of the tensors' element counts
 * @param fileType             raw {@code general.file_type} when present
 * @param quantization         llama.cpp's name for the file type ({@code Q4_K_M}, {@code F16}, …), or, when
 *                             {@code general.file_type} is absent or unknown, the most common type among
 *                             the 2-D weight tensors ({@code Q8_0}, {@code F32}, …)
 * @param quantizationInferred whether {@code quantization} was inferred from the tensors
 * @param tensorCount          number of tensors
 * @param fileSize             bytes in the file
 */
public record GgufSummary(int version, Optional<String> architecture, Optional<String> name,
        OptionalLong contextLength, OptionalLong embeddingLength, OptionalLong blockCount,
        OptionalLong feedForwardLength, OptionalLong headCount, OptionalLong headCountKv, OptionalLong headDim,
        OptionalLong vocabSize, long parameterCount, OptionalLong fileType, String quantization,
        boolean quantizationInferred, int tensorCount, long fileSize) {

    /**
     * Summarises {@code header}.
     *
     * @throws GgufFormatException when a standard key has a type that cannot hold its meaning (e.g. a string
     *                             block count)
     */
    public static GgufSummary of(GgufHeader header) throws GgufFormatException {
        GgufMetadata m = header.metadata();
        Optional<String> arch = m.findString(GgufKeys.GENERAL_ARCHITECTURE);
        String a = arch.orElse("");
        OptionalLong embedding = count(m, GgufKeys.embeddingLength(a));
        OptionalLong heads = count(m, GgufKeys.headCount(a));
        OptionalLong kvHeads = count(m, GgufKeys.headCountKv(a));
        if (kvHeads.isEmpty()) {
            kvHeads = heads;
        }
        OptionalLong headDim = count(m, GgufKeys.keyLength(a));
        if (headDim.isEmpty() && embedding.isPresent() && heads.isPresent() && heads.getAsLong() > 0) {
            headDim = OptionalLong.of(embedding.getAsLong() / heads.getAsLong());
        }
        OptionalLong vocab = count(m, GgufKeys.vocabSize(a));
        if (vocab.isEmpty()) {
            Optional<GgufArray> tokens = m.findArray(GgufKeys.TOKENIZER_TOKENS);
            if (tokens.isPresent()) {
                vocab = OptionalLong.of(tokens.get().size());
            }
        }
        OptionalLong fileType = count(m, GgufKeys.GENERAL_FILE_TYPE);
        Optional<String> named = fileType.isPresent() ? GgufFileType.name(fileType.getAsLong()) : Optional.empty();
        String quantization = named.orElseGet(() -> inferQuantization(header));
        return new GgufSummary(header.version(), arch, m.findString(GgufKeys.GENERAL_NAME),
                count(m, GgufKeys.contextLength(a)), embedding, count(m, GgufKeys.blockCount(a)),
                count(m, GgufKeys.feedForwardLength(a)), heads, kvHeads, headDim, vocab, header.parameterCount(),
                fileType, quantization, named.isEmpty(), header.tensors().size(), header.fileSize());
    }

    /**
     * The most common type among 2-D (or higher) {@code *.weight} tensors, ties broken by element count;
     * {@code "unknown"} for a file without such tensors.
     */
    static String inferQuantization(GgufHeader header) {
        Map<GgmlType, long[]> stats = new EnumMap<>(GgmlType.class); // type → {tensors, elements}
        for (GgufTensorInfo t : header.tensors()) {
            if (t.nDims() >= 2 && t.name().endsWith(".weight")) {
                long[] s = stats.computeIfAbsent(t.type(), k -> new long[2]);
                s[0]++;
                s[1] += t.numElements();
            }
        }
        GgmlType best = null;
        for (Map.Entry<GgmlType, long[]> e : stats.entrySet()) {
            long[] s = e.getValue();
            if (best == null || s[0] > stats.get(best)[0] || s[0] == stats.get(best)[0] && s[1] > stats.get(best)[1]) {
                best = e.getKey();
            }
        }
        return best == null ? "unknown" : best.name();
    }

    /** A non-negative integer, or the largest element of a per-layer integer array; empty when absent. */
    private static OptionalLong count(GgufMetadata m, String key) throws GgufFormatException {
        Optional<GgufValue> v = m.find(key);
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        if (v.get().type() == GgufValueType.ARRAY) {
            long[] values = m.getLongArray(key);
            long max = -1;
            for (long x : values) {
                max = Math.max(max, x);
            }
            return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
        }
        long x = m.getLong(key);
        if (x < 0) {
            throw new GgufFormatException("metadata key '" + key + "' = " + x + " is negative");
        }
        return OptionalLong.of(x);
    }
}
