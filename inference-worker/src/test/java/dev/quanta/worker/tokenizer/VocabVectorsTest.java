package dev.quanta.worker.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * llama.cpp's tokenizer test vectors ({@code ggml-vocab-<name>.gguf.inp/.out}): every string, tokenized without
 * BOS/EOS and without parsing special tokens, must give exactly the expected ids.
 */
class VocabVectorsTest {

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-spm", "llama-bpe", "gpt-2", "deepseek-llm", "falcon", "mpt"})
    void everyVectorTokenizesLikeLlamaCpp(String vocab) throws IOException {
        Path gguf = SharedVocab.vocabFile(vocab);
        Tokenizer tokenizer = SharedVocab.load(gguf);
        List<String> inputs = inputs(Path.of(gguf + ".inp"));
        List<String> expected = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        assertThat(inputs).as("test strings in %s.inp", vocab).hasSameSizeAs(expected);

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            int[] want = parseIds(expected.get(i));
            int[] got = tokenizer.encode(inputs.get(i), false, false);
            if (!Arrays.equals(want, got)) {
                failures.add("#" + i + " '" + inputs.get(i).replace("\n", "\\n") + "': expected "
                        + Arrays.toString(want) + " got " + Arrays.toString(got));
            }
        }
        assertThat(failures).as("vectors of %s that differ", vocab).isEmpty();
        assertThat(inputs).hasSizeGreaterThan(40);
    }

    /** Strings separated by lines {@code __ggml_vocab_test__}; the file ends with a separator. */
    static List<String> inputs(Path inp) throws IOException {
        String all = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int pos = 0;
        int next;
        while ((next = all.indexOf(SEPARATOR, pos)) >= 0) {
            out.add(all.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return out;
    }

    static int[] parseIds(String line) {
        String t = line.strip();
        return t.isEmpty() ? new int[0] : Arrays.stream(t.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }
}
