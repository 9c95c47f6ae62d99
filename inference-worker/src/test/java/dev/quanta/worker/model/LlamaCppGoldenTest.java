package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.synth.SynthPlan;
import dev.quanta.worker.synth.SynthShape;
import dev.quanta.worker.synth.SynthVocab;
import dev.quanta.worker.synth.Synthesizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy decoding against llama.cpp's own outputs for the project's golden cases ({@code src/test/resources/golden},
 * made by {@code scripts/fidelity/make-goldens.sh}; see the README there): prompts of 1 to 100 tokens on the three
 * stories260K files, a random-weight tiny model quantized by llama-quantize to Q4_K_M and Q6_K, and random-weight
 * Qwen2 (Q/K/V biases, NeoX RoPE), Qwen3 (per-head Q/K norms, NeoX RoPE) and Mistral-shaped (llama, four query heads
 * per KV head, RoPE base 10⁶) files.
 *
 * <p>Each case: every generated token is llama.cpp's (up to the first position where llama.cpp's own top two are
 * closer than {@code tokenGap}, when one is set), and every top-5 log-probability is within the bound. Bounds hold on
 * the native kernels on AVX-512 VNNI, which follow llama.cpp's x86 summation orders (measured, 2 threads, llama.cpp
 * commit 3f545bec):
 * <ul>
 *   <li>stories260K Q8_0 and Q4_0: identical to 1e-5 on all 19 prompts, 15 tokens included;</li>
 *   <li>stories260K F32: within 0.0095 (bound 0.013, GoldenDecodingTest's: our F32 matmuls sum in one order for every
 *       batch size, llama.cpp's prompt pass in tinyBLAS's);</li>
 *   <li>Qwen2, Qwen3, Mistral-shaped F32: every token; within 0.0003 below 64 prompt tokens, 0.00066 at 64 and 100;</li>
 *   <li>Q6_K: identical below 64 prompt tokens; 0.0116 and 0.0144 at 64 and 100 tokens;</li>
 *   <li>Q4_K_M: within 0.0135 at every length; one prompt's token flips where llama.cpp's top two are 0.0011 apart.</li>
 * </ul>
 * NOTE: from 64 prompt tokens on (and head sizes that are a multiple of 16) llama.cpp's CPU flash attention takes
 * its tiled path (GGML_FA_TILE_Q = 64: Q kept in F32, Q·K as an F32 GEMM over 64-position K tiles, V accumulated in
 * F32), which sums differently from the one-row path our attention mirrors (Q rounded to F16, F16 dot products):
 * on the Q6_K file prompts of 60 to 63 tokens are identical, 64 to 70 differ by 0.009 to 0.012. stories260K's heads
 * (8 wide) never take the tiled path. Q4_K: llama.cpp repacks Q4_K weights (rows a multiple of 8) and multiplies
 * blocks of 4 tokens with its 8x8 GEMM, the rest with its GEMV; prompts of 1 to 3 tokens (GEMV only) and decoding
 * are identical, a prompt of 4 tokens differs by 0.0035, longer ones by up to 0.013. Both belong to the kernels;
 * the bounds say what holds today.
 */
class LlamaCppGoldenTest {

    /** Prompts of at least this many tokens take llama.cpp's tiled flash attention (for head sizes multiple of 16). */
    static final int TILED_ATTENTION_FROM = 64;

    record Expectation(String model, float tokenGap, float tolerance, float toleranceFrom64) {
        @Override
        public String toString() {
            return model;
        }
    }

    static Stream<Arguments> expectations() {
        return Stream.of(
                new Expectation("stories260K", Float.NaN, 0.013f, 0.013f),
                new Expectation("stories260K-Q8_0", Float.NaN, 1e-4f, 1e-4f),
                new Expectation("stories260K-Q4_0", Float.NaN, 1e-4f, 1e-4f),
                new Expectation("synth-tiny-Q6_K", Float.NaN, 1e-4f, 0.02f),
                new Expectation("synth-tiny-Q4_K_M", 0.005f, 0.02f, 0.02f),
                new Expectation("synth-qwen2-tiny-F32", Float.NaN, 0.001f, 0.002f),
                new Expectation("synth-qwen3-tiny-F32", Float.NaN, 0.001f, 0.002f),
                new Expectation("synth-mistral-tiny-F32", Float.NaN, 0.001f, 0.002f)).map(Arguments::of);
    }

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("expectations")
    void greedyDecodingFollowsLlamaCpp(Expectation e) throws Exception {
        List<GoldenFiles.Case> cases = GoldenFiles.read(LlamaCppGoldens.resource(e.model() + ".greedy.jsonl"));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        Path model = model(e.model());
        try (KernelOps ops = LlamaCppGoldens.nativeKernels()) {
            assumeTrue(ops.description().startsWith("native avx512+vnni"),
                    "the bounds hold where the native kernels follow llama.cpp's AVX-512 VNNI orders; here: "
                            + ops.description());
            List<LlamaCppGoldens.Outcome> outcomes = LlamaCppGoldens.run(model, cases, ops);
            for (int k = 0; k < cases.size(); k++) {
                GoldenFiles.Case c = cases.get(k);
                LlamaCppGoldens.Outcome o = outcomes.get(k);
                System.out.println(e.model() + " " + o);
                String where = e.model() + " prompt of " + c.promptTokens().length + " tokens";
                int mustMatch = Float.isNaN(e.tokenGap()) ? c.tokens().length : c.comparablePositions(e.tokenGap()) - 1;
                assertThat(o.firstDifference() < 0 || o.firstDifference() >= mustMatch)
                        .as(where + ": first token unlike llama.cpp's at " + o.firstDifference()).isTrue();
                float bound = c.promptTokens().length >= TILED_ATTENTION_FROM ? e.toleranceFrom64() : e.tolerance();
                assertThat(o.worstLogprobDiff()).as(where + ": worst top-5 log-probability difference (position "
                        + o.worstAt() + ")").isLessThanOrEqualTo(bound);
            }
        }
    }

    /** The shared stories260K files, the llama-quantize outputs kept in test data, or a regenerated synth file. */
    private static Path model(String name) throws Exception {
        if (name.startsWith("stories260K")) {
            return GoldenFiles.model(name);
        }
        if (!name.endsWith("-F32")) {
            return LlamaCppGoldens.resource(name + ".gguf");
        }
        String arch = name.substring("synth-".length(), name.indexOf("-tiny"));
        SynthShape shape = arch.equals("mistral") ? SynthShape.TINY_MISTRAL : SynthShape.TINY;
        Architecture architecture = arch.equals("mistral") ? Architecture.LLAMA
                : Architecture.fromGgufName(arch).orElseThrow();
        SynthVocab vocab = SynthVocab.read(GoldenFiles.model("stories260K"));
        Path file = dir.resolve(name + ".gguf");
        Synthesizer.write(SynthPlan.of(shape, GgmlType.F32, vocab.tokenCount(), architecture), vocab,
                LlamaCppGoldens.SYNTH_SEED, file, n -> {});
        String expected = Files.readString(LlamaCppGoldens.resource(name + ".sha256")).strip();
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(actual).as(name + " is not the file llama.cpp ran (synth changed?): regenerate the goldens with "
                + "scripts/fidelity/make-goldens.sh").isEqualTo(expected);
        return file;
    }
}
