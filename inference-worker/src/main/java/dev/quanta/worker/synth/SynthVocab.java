package dev.quanta.worker.synth;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer a generated model carries: every {@code tokenizer.*} key of a vocab GGUF, copied as is.
 *
 * @param source     the vocab file
 * @param keys       {@code tokenizer.*} keys in file order
 * @param tokenCount entries of {@code tokenizer.ggml.tokens} (becomes {@code llama.vocab_size})
 */
public record SynthVocab(Path source, Map<String, GgufValue> keys, int tokenCount) {

    public SynthVocab {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /**
     * Reads the tokenizer keys of {@code path}.
     *
     * @throws IOException when the file is missing, unreadable, not a GGUF, or has no token list
     */
    public static SynthVocab read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.nio.file.NoSuchFileException(path.toString(), null, "vocab file not found");
        }
        try (GgufFile file = GgufFile.open(path)) {
            Map<String, GgufValue> keys = new LinkedHashMap<>();
            for (Map.Entry<String, GgufValue> e : file.metadata().asMap().entrySet()) {
                if (e.getKey().startsWith("tokenizer.")) {
                    keys.put(e.getKey(), e.getValue());
                }
            }
            GgufValue tokens = keys.get(GgufKeys.TOKENIZER_TOKENS);
            if (tokens == null || !(tokens.value() instanceof dev.quanta.gguf.GgufArray array) || array.size() == 0) {
                throw new IOException(path + " has no " + GgufKeys.TOKENIZER_TOKENS + " list: not a vocab file");
            }
            return new SynthVocab(path, keys, array.size());
        }
    }
}
