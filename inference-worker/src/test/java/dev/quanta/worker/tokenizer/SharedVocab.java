package dev.quanta.worker.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Shared test material ({@code quanta.shared.dir}): vocab-only GGUF files and stories260K; tokenizers cached per file. */
final class SharedVocab {

    private static final Map<Path, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private SharedVocab() {}

    /** {@code quanta.shared.dir}, or a skipped test when it is not set or missing. */
    static Path sharedDir() {
        String dir = System.getProperty("quanta.shared.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "shared test data absent (system property quanta.shared.dir=" + dir + "): skipping");
        return Path.of(dir);
    }

    /** {@code models/vocab/ggml-vocab-<name>.gguf}, skipping when absent. */
    static Path vocabFile(String name) {
        Path p = sharedDir().resolve("models/vocab/ggml-vocab-" + name + ".gguf");
        assumeTrue(Files.isRegularFile(p), p + " is absent: skipping");
        return p;
    }

    static Tokenizer vocab(String name) {
        return load(vocabFile(name));
    }

    static Path stories() {
        Path p = sharedDir().resolve("models/stories260K.gguf");
        assumeTrue(Files.isRegularFile(p), p + " is absent: skipping");
        return p;
    }

    static Tokenizer load(Path gguf) {
        return CACHE.computeIfAbsent(gguf, p -> {
            try {
                return Tokenizers.fromGguf(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
