package dev.quanta.worker.tokenizer;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufMetadata;
import java.io.IOException;
import java.nio.file.Path;

/** Factories for {@link Tokenizer}s. */
public final class Tokenizers {

    private Tokenizers() {}

    /** A tokenizer over plain Java vocabulary data. */
    public static Tokenizer of(Vocabulary vocabulary) {
        return switch (vocabulary.model()) {
            case SPM -> new SpmTokenizer(vocabulary);
            case BPE -> new BpeTokenizer(vocabulary);
        };
    }

    /**
     * The tokenizer described by a model's metadata.
     *
     * @throws GgufFormatException when the tokenizer keys are missing, of the wrong type, or name an unsupported model
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) throws GgufFormatException {
        return of(GgufVocabulary.read(metadata));
    }

    /** The tokenizer of the GGUF file at {@code path} (reads only the header). */
    public static Tokenizer fromGguf(Path path) throws IOException {
        return fromGguf(GgufFile.readHeader(path).metadata());
    }

    /** The vocabulary data of a model's metadata, e.g. to inspect or adjust it before {@link #of(Vocabulary)}. */
    public static Vocabulary vocabularyFromGguf(GgufMetadata metadata) throws GgufFormatException {
        return GgufVocabulary.read(metadata);
    }
}
