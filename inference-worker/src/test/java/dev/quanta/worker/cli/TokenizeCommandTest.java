package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code quanta tokenize} on stories260K.gguf (SentencePiece, BOS added by default). */
class TokenizeCommandTest {

    @TempDir
    Path tmp;

    private Path model;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void findModel() {
        String shared = System.getProperty("quanta.shared.dir");
        assumeTrue(shared != null && Files.isRegularFile(Path.of(shared, "models/stories260K.gguf")),
                "shared test data absent (system property quanta.shared.dir=" + shared + "): skipping");
        model = Path.of(shared, "models/stories260K.gguf");
    }

    private int run(String... args) {
        CommandLine cli = QuantaCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void printsTheIdsWithBosAsAJsonArrayLikeLlamaTokenize() {
        int code = run("tokenize", "--model", model.toString(), "--text", "Once upon a time");
        assertThat(code).isZero();
        assertThat(out.toString()).isEqualTo("[1, 403, 407, 261, 378]" + System.lineSeparator());
    }

    @Test
    void noBosLeavesBosOut() {
        run("tokenize", "-m", model.toString(), "--text", "Once upon a time", "--no-bos");
        assertThat(out.toString().strip()).isEqualTo("[403, 407, 261, 378]");
    }

    @Test
    void specialTokensInTextAreParsedUnlessNoParseSpecial() {
        run("tokenize", "-m", model.toString(), "--text", "</s>", "--no-bos");
        assertThat(out.toString().strip()).isEqualTo("[2]");
        out.getBuffer().setLength(0);
        run("tokenize", "-m", model.toString(), "--text", "</s>", "--no-bos", "--no-parse-special");
        assertThat(out.toString().strip()).isNotEqualTo("[2]").startsWith("[").endsWith("]");
    }

    @Test
    void jsonlGivesOneLineOfIdsPerInputLine() throws IOException {
        Path in = tmp.resolve("in.jsonl");
        Files.writeString(in, "{\"text\": \"Once upon a time\"}\n{\"text\": \"\", \"id\": 7}\n");
        int code = run("tokenize", "-m", model.toString(), "--jsonl", in.toString());
        assertThat(code).isZero();
        assertThat(out.toString().lines()).containsExactly("[1, 403, 407, 261, 378]", "[1]");
    }

    @Test
    void aBadJsonlLineFailsWithItsLineNumberAndPrintsNothing() throws IOException {
        Path in = tmp.resolve("bad.jsonl");
        Files.writeString(in, "{\"text\": \"ok\"}\n{\"txt\": \"oops\"}\n");
        int code = run("tokenize", "-m", model.toString(), "--jsonl", in.toString());
        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("quanta tokenize: ").contains("line 2").contains("\"text\" is missing");
    }

    @Test
    void invalidJsonIsAOneLineError() throws IOException {
        Path in = tmp.resolve("broken.jsonl");
        Files.writeString(in, "{\"text\": \n");
        assertThat(run("tokenize", "-m", model.toString(), "--jsonl", in.toString())).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().contains("line 1").contains("not valid JSON");
    }

    @Test
    void aMissingModelIsAOneLineError() {
        int code = run("tokenize", "-m", tmp.resolve("nope.gguf").toString(), "--text", "x");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("quanta tokenize: file not found: " + tmp.resolve("nope.gguf"));
    }

    @Test
    void aFileThatIsNotGgufIsAOneLineError() throws IOException {
        Path junk = tmp.resolve("junk.gguf");
        Files.writeString(junk, "definitely not a gguf file");
        assertThat(run("tokenize", "-m", junk.toString(), "--text", "x")).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("quanta tokenize: ");
    }

    @Test
    void textAndJsonlTogetherAreAUsageError() {
        int code = run("tokenize", "-m", model.toString(), "--text", "a", "--jsonl", "b");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString().contains("mutually exclusive");
    }

    @Test
    void neitherTextNorJsonlIsAUsageError() {
        assertThat(run("tokenize", "-m", model.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--text").contains("--jsonl");
    }
}
