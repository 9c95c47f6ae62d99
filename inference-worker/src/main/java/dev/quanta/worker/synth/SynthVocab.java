package dev.quanta.worker.synth;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

    /** {@code --vocab} value that asks for {@link #byteLevel()} instead of a file. */
    public static final String BYTES = "bytes";

    /**
     * A tokenizer needing no file: SentencePiece-style ({@code llama}) with {@code <unk>}, {@code <s>},
     * {@code </s>} and the 256 byte tokens {@code <0x00>}..{@code <0xFF>} only, so any text is spelled as its
     * UTF-8 bytes (259 tokens). For demo and smoke models whose text does not matter.
     */
    public static SynthVocab byteLevel() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        int[] types = new int[tokens.size()];
        types[0] = 2; // unknown
        types[1] = 3; // control
        types[2] = 3;
        java.util.Arrays.fill(types, 3, types.length, 6); // byte
        Map<String, GgufValue> keys = new LinkedHashMap<>();
        keys.put(GgufKeys.TOKENIZER_MODEL, GgufValue.string("llama"));
        keys.put(GgufKeys.TOKENIZER_TOKENS, GgufValue.array(dev.quanta.gguf.GgufArray.ofStrings(tokens)));
        keys.put(GgufKeys.TOKENIZER_SCORES, GgufValue.array(dev.quanta.gguf.GgufArray.ofFloat32(new float[tokens.size()])));
        keys.put(GgufKeys.TOKENIZER_TOKEN_TYPE, GgufValue.array(dev.quanta.gguf.GgufArray.ofInt32(types)));
        keys.put(GgufKeys.TOKENIZER_BOS_ID, GgufValue.uint32(1));
        keys.put(GgufKeys.TOKENIZER_EOS_ID, GgufValue.uint32(2));
        keys.put(GgufKeys.TOKENIZER_UNK_ID, GgufValue.uint32(0));
        return new SynthVocab(Path.of(BYTES), keys, tokens.size());
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
