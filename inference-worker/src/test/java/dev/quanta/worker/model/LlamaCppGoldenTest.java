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
 * made by {@code scripts/fidelity/make-goldens.sh}; see the README there): prompts of 1 to 470 tokens on the three
 * stories260K files, 1 to 100 tokens on a random-weight tiny model quantized by llama-quantize to Q4_K_M and Q6_K,
 * and on random-weight Qwen2 (Q/K/V biases, NeoX RoPE), Qwen3 (per-head Q/K norms, NeoX RoPE) and Mistral-shaped
 * (llama, four query heads per KV head, RoPE base 10⁶) files; 32 greedy tokens each.
 *
 * <p>Each case: every generated token is llama.cpp's (up to the first position where llama.cpp's own top two are
 * closer than the file's gap, when one is set), and every top-5 log-probability is within the bound. Bounds hold on
 * the native kernels on AVX-512 VNNI, which follow llama.cpp's x86 summation orders except for Q4_K and Q5_K (see the
 * NOTE below) (measured, 2 threads, llama.cpp commit 3f545bec):
 * <ul>
 *   <li>stories260K Q8_0 and Q4_0: identical to 1e-5 while decoding attends to at most 256 KV cells, whatever the
 *       prompt length (1 to 470; 15 tokens included, also on 60 other 15-token prompts); Q8_0 with repacking off
 *       (GoldenDecodingTest#llamaCppOrderKernels: packed, it sums in llama.cpp's repacked order);</li>
 *   <li>stories260K F32: within 0.0095 there (bound 0.013, GoldenDecodingTest's: our F32 matmuls sum in one order
 *       for every batch size, llama.cpp's prompt pass in tinyBLAS's);</li>
 *   <li>Qwen2, Qwen3, Mistral-shaped F32: every token; within 0.0003 below 64 prompt tokens, 0.00066 at 64 and 100;</li>
 *   <li>Q6_K: identical below 64 prompt tokens; 0.0116 and 0.0144 at 64 and 100 tokens;</li>
 *   <li>Q4_K_M: within 0.0136 at every length (0.01353 at 40 tokens; prompts of 2, 5 and 15 to 20 tokens identical to
 *       the printed 5 decimals); one prompt's token flips where llama.cpp's top two are 0.0011 apart;</li>
 *   <li>decode steps attending to more than 256 KV cells (stories260K, prompts of 250 tokens and more): F32 within
 *       0.029, Q8_0/Q4_0 within 0.32, tokens flipping only where llama.cpp's top two are within 0.05 (F32) / 0.1.</li>
 * </ul>
 * NOTE: three llama.cpp paths our kernels do not mirror, each found by these cases (for the kernels' owners):
 * <ol>
 *   <li>split-KV decode attention: when one query attends to a KV view of 512 cells or more (llama.cpp pads the view
 *       to 256, so from 257 used cells on), its CPU flash attention splits the cells among the threads, runs the
 *       one-row kernel per part (F16 V accumulation) and merges the parts in F32; prompt passes are unaffected
 *       (position 0 stays identical), the first decode step beyond 256 cells already differs. llama.cpp's result
 *       there depends on its thread count: run with {@code -t 1} (one part) it is identical to ours to 1e-5 on
 *       prompts of 255, 300 and 470 tokens (16 tokens each), so ours is llama.cpp's single-part order;</li>
 *   <li>tiled flash attention: from 64 prompt tokens on (head sizes a multiple of 16; stories260K's 8-wide heads never
 *       take it) llama.cpp keeps Q in F32, computes Q·K as an F32 GEMM over 64-cell K tiles and accumulates V in
 *       F32, where the one-row path our attention mirrors rounds Q to F16 and uses F16 dot products: on the Q6_K file
 *       prompts of 60 to 63 tokens are identical, 64 to 70 differ by 0.009 to 0.012;</li>
 *   <li>Q4_K (and Q5_K): llama.cpp repacks Q4_K weights (rows a multiple of 8) and multiplies blocks of 4 tokens with
 *       its 8x8 GEMM, the rest (and decoding) with its GEMV, each in its own float order. We follow neither: our one
 *       order for every ISA, token count and layout (exact integer sums per super-block, then two fmas; the
 *       native README) keeps batch invariance and lets the 16-row packed kernel run at two float steps per
 *       super-block. So decoding no longer equals llama.cpp's GEMV bit for bit, yet the Q4_K_M figures above hardly
 *       moved: the GEMM side had already set them (with llama.cpp's GEMV order, prompts of 2 and 7 tokens were
 *       identical, 4 tokens differed by 0.0035, the worst 0.01347 at 64 tokens; now the worst is 0.01353, and the
 *       0.02 bound is unchanged).</li>
 * </ol>
 * The bounds say what holds today.
 */
class LlamaCppGoldenTest {

    /** Prompts of at least this many tokens take llama.cpp's tiled flash attention (for head sizes multiple of 16). */
    static final int TILED_ATTENTION_FROM = 64;
    /** Decode steps attending to more KV cells than this take llama.cpp's split-KV flash attention (n_kv padded to 256). */
    static final int SPLIT_KV_ABOVE = 256;

    /**
     * @param tokenGap        tokens must be llama.cpp's up to the first position where llama.cpp's top two are closer
     *                        than this (NaN: every token)
     * @param tolerance       top-5 bound for prompts under 64 tokens
     * @param toleranceFrom64 top-5 bound for prompts of 64 tokens or more
     * @param longKvGap       like tokenGap, at decode steps attending to more than 256 KV cells
     * @param longKvTolerance top-5 bound at decode steps attending to more than 256 KV cells
     */
    record Expectation(String model, float tokenGap, float tolerance, float toleranceFrom64, float longKvGap,
                       float longKvTolerance) {
        Expectation(String model, float tokenGap, float tolerance, float toleranceFrom64) {
            this(model, tokenGap, tolerance, toleranceFrom64, tokenGap, toleranceFrom64);
        }

        @Override
        public String toString() {
            return model;
        }
    }

    static Stream<Arguments> expectations() {
        return Stream.of(
                new Expectation("stories260K", Float.NaN, 0.013f, 0.013f, 0.05f, 0.05f),
                new Expectation("stories260K-Q8_0", Float.NaN, 1e-4f, 1e-4f, 0.1f, 0.35f),
                new Expectation("stories260K-Q4_0", Float.NaN, 1e-4f, 1e-4f, 0.1f, 0.35f),
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
        try (KernelOps ops = GoldenDecodingTest.llamaCppOrderKernels(e.model())) {
            assumeTrue(ops.description().startsWith("native avx512+vnni"),
                    "the bounds hold where the native kernels follow llama.cpp's AVX-512 VNNI orders; here: "
                            + ops.description());
            List<LlamaCppGoldens.Outcome> outcomes = LlamaCppGoldens.run(model, cases, ops);
            for (int k = 0; k < cases.size(); k++) {
                GoldenFiles.Case c = cases.get(k);
                LlamaCppGoldens.Outcome o = outcomes.get(k);
                System.out.println(e.model() + " " + o);
                int promptLength = c.promptTokens().length;
                String where = e.model() + " prompt of " + promptLength + " tokens";
                int mustMatch = c.tokens().length;
                for (int i = 0; i < c.tokens().length; i++) {
                    float gap = longKv(promptLength, i) ? e.longKvGap() : e.tokenGap();
                    if (!Float.isNaN(gap) && c.topLogprobs()[i][0] - c.topLogprobs()[i][1] < gap) {
                        mustMatch = i; // a near-tie may go either way
                        break;
                    }
                }
                assertThat(o.firstDifference() < 0 || o.firstDifference() >= mustMatch)
                        .as(where + ": first token unlike llama.cpp's at " + o.firstDifference()).isTrue();
                int firstLong = firstLongKvPosition(promptLength);
                float bound = promptLength >= TILED_ATTENTION_FROM ? e.toleranceFrom64() : e.tolerance();
                assertThat(o.worst(0, firstLong)).as(where + ": worst top-5 log-probability difference").isLessThanOrEqualTo(bound);
                assertThat(o.worst(firstLong, c.tokens().length))
                        .as(where + ": worst top-5 log-probability difference beyond " + SPLIT_KV_ABOVE + " KV cells")
                        .isLessThanOrEqualTo(e.longKvTolerance());
            }
        }
    }

    /** Whether generated position {@code i} is computed by a decode step attending to more than 256 KV cells. */
    static boolean longKv(int promptLength, int i) {
        return (i >= 1 || promptLength == 1) && promptLength + i > SPLIT_KV_ABOVE;
    }

    static int firstLongKvPosition(int promptLength) {
        int i = 0;
        while (!longKv(promptLength, i) && i < 1 << 20) {
            i++;
        }
        return i;
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
