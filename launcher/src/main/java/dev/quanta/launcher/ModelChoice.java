package dev.quanta.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which GGUF the local worker serves: {@code --model FILE}, else the first {@code *.gguf} (by name) in the
 * models directory, else a small random-weight demo model made once with {@code synth} (it produces noise,
 * not language; its served name says so).
 */
record ModelChoice(Path file, String servedName, boolean demo) {

    /** Served name of the random-weight demo model: plain about what it is, in /v1/models too. */
    static final String DEMO_NAME = "demo-random-weights";
    /**
     * The demo's shape: synth's toy Llama (256 wide, 2 layers, 256-token context; with the byte-level tokenizer
     * 1.2 M parameters, 1.3 MiB), so it is generated in a second and answers at once on any CPU.
     */
    static final String DEMO_SHAPE = "tiny";
    static final String DEMO_TYPE = "Q8_0";
    static final String DEMO_FILE = "demo-random-weights-" + DEMO_SHAPE + "-q8_0.gguf";

    static Optional<ModelChoice> explicitOrFound(Path explicit, Path modelsDir) throws IOException {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new IOException("--model " + explicit + " is not a file");
            }
            return Optional.of(of(explicit));
        }
        if (Files.isDirectory(modelsDir)) {
            try (Stream<Path> files = Files.list(modelsDir)) {
                Optional<Path> first = files.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf"))
                        .filter(Files::isRegularFile).sorted().findFirst();
                if (first.isPresent()) {
                    return Optional.of(of(first.get()));
                }
            }
        }
        return Optional.empty();
    }

    static ModelChoice of(Path file) {
        return new ModelChoice(file.toAbsolutePath().normalize(), servedName(file), false);
    }

    static ModelChoice demo(Path file) {
        return new ModelChoice(file.toAbsolutePath().normalize(), DEMO_NAME, true);
    }

    /** A name the registry's key rules accept ({@code ^[a-z0-9][a-z0-9._-]{0,63}$}), from the file name. */
    static String servedName(Path file) {
        String name = file.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            name = name.substring(0, name.length() - 5);
        }
        name = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "");
        if (name.isEmpty()) {
            name = "model";
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
