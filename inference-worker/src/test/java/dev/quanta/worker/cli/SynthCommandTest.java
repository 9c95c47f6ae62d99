package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SynthCommandTest {

    @TempDir
    Path dir;

    private Path vocab;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeVocab() throws IOException {
        vocab = dir.resolve("vocab.gguf");
        new GgufWriter().putString(GgufKeys.TOKENIZER_MODEL, "llama")
                .putStrings(GgufKeys.TOKENIZER_TOKENS, List.of("<unk>", "<s>", "</s>", "a", "b", "c"))
                .write(vocab);
    }

    private int run(String... args) {
        CommandLine cli = QuantaCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesTheModelAndPrintsOneSummaryLine() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        int code = run("synth", "--shape", "tiny", "--type", "q8_0", "--vocab", vocab.toString(), "--seed", "9",
                "--out", file.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList()).singleElement().satisfies(line -> {
            assertThat(line).startsWith(file.toString()).contains("MiB").contains("parameters").endsWith(" s");
        });
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().getLong("llama.vocab_size")).isEqualTo(6);
        }
    }

    @Test
    void archWritesAQwenFileUnderItsOwnKeysAndRefusesOthersInOneLine() throws IOException {
        Path file = dir.resolve("qwen3.gguf");
        int code = run("synth", "--shape", "tiny", "--arch", "qwen3", "--type", "f32", "--vocab", vocab.toString(),
                "--out", file.toString());
        assertThat(code).as(err.toString()).isZero();
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().getString("general.architecture")).isEqualTo("qwen3");
            assertThat(gguf.metadata().getLong("qwen3.vocab_size")).isEqualTo(6);
            assertThat(gguf.tensors()).anyMatch(t -> t.name().equals("blk.1.attn_k_norm.weight"));
        }
        int refused = run("synth", "--shape", "tiny", "--arch", "mistral", "--type", "f32", "--vocab",
                vocab.toString(), "--out", dir.resolve("x.gguf").toString());
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .contains("unknown architecture 'mistral'").contains("qwen2");
    }

    @Test
    void vocabBytesNeedsNoFileAndSpellsTextAsUtf8Bytes() throws IOException {
        Path file = dir.resolve("bytes.gguf");
        int code = run("synth", "--shape", "tiny", "--type", "Q8_0", "--vocab", "bytes", "--seed", "1",
                "--out", file.toString());
        assertThat(code).as(err.toString()).isZero();
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().getLong("llama.vocab_size")).isEqualTo(259);
            var tokenizer = dev.quanta.worker.tokenizer.Tokenizers.fromGguf(gguf.metadata());
            // "▁é" (SentencePiece's space mark, then é): E2 96 81 C3 A9, each byte token offset by the 3 specials
            assertThat(tokenizer.encode("é", false, false)).containsExactly(0xE2 + 3, 0x96 + 3, 0x81 + 3, 0xC3 + 3, 0xA9 + 3);
        }
    }

    @Test
    void unknownShapeIsAOneLineUsageError() {
        int code = run("synth", "--shape", "gpt-5", "--type", "Q8_0", "--vocab", vocab.toString(), "--out",
                dir.resolve("x.gguf").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .contains("unknown shape 'gpt-5'").contains("smol-135m");
    }

    @Test
    void unknownTypeIsAOneLineUsageError() {
        int code = run("synth", "--shape", "tiny", "--type", "Q3_X", "--vocab", vocab.toString(), "--out",
                dir.resolve("x.gguf").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString().contains("unknown type 'Q3_X'");
    }

    @Test
    void missingVocabFileIsAOneLineError() {
        int code = run("synth", "--shape", "tiny", "--type", "Q8_0", "--vocab", dir.resolve("nope.gguf").toString(),
                "--out", dir.resolve("x.gguf").toString());
        assertThat(code).isNotZero();
        assertThat(err.toString().lines().toList()).singleElement().asString().contains("nope.gguf")
                .contains("does not exist");
    }

    @Test
    void unwritableOutputIsAOneLineErrorAndWritesNothing() {
        Path out = dir.resolve("missing-dir").resolve("x.gguf");
        int code = run("synth", "--shape", "tiny", "--type", "Q8_0", "--vocab", vocab.toString(), "--out",
                out.toString());
        assertThat(code).isNotZero();
        assertThat(err.toString().lines().toList()).singleElement().asString().contains("cannot write");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void aDirectoryThatRefusesNewFilesIsCaughtBeforeGenerating() {
        // permission bits mean nothing to root, so use a file system that never accepts new files
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "no /proc here");
        int code = run("synth", "--shape", "tiny", "--type", "Q8_0", "--vocab", vocab.toString(), "--out",
                "/proc/quanta-synth-test.gguf");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString()
                .contains("cannot write /proc/quanta-synth-test.gguf");
    }

    @Test
    void aVocabWithoutTokensIsAOneLineFailure() throws IOException {
        Path weightsOnly = dir.resolve("weights.gguf");
        new GgufWriter().putString(GgufKeys.GENERAL_ARCHITECTURE, "llama").write(weightsOnly);
        int code = run("synth", "--shape", "tiny", "--type", "Q8_0", "--vocab", weightsOnly.toString(), "--out",
                dir.resolve("x.gguf").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines().toList()).singleElement().asString().contains("tokenizer.ggml.tokens");
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        assertThat(run("synth", "--shape", "tiny")).isEqualTo(2);
        assertThat(err.toString().lines().toList()).singleElement().asString().contains("Missing required");
    }
}
