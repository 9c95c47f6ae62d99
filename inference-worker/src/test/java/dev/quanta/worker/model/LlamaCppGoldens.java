package dev.quanta.worker.model;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.sampling.TokenLogProb;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Runs the project's own llama.cpp golden cases (src/test/resources/golden) and measures the distance. */
final class LlamaCppGoldens {

    /** The seed scripts/fidelity/make-goldens.sh gives {@code bin/quanta synth}. */
    static final long SYNTH_SEED = 10;

    /** Whole prompt in one step (llama-server's ubatch is 512), one sequence, contexts up to 512 positions. */
    static final EngineConfig CONFIG = new EngineConfig(2, 0, GgmlType.F16, 512, 512, 1, 0, 16, false);

    /**
     * How one prompt compares.
     *
     * @param firstDifference first generated position whose token is not llama.cpp's (-1: none)
     * @param distances       per generated position up to and including the first difference: the largest
     *                        |log-probability difference| over llama.cpp's top 5 (infinite when one of them is not
     *                        among our top 10)
     */
    record Outcome(String prompt, int promptLength, int generated, int firstDifference, double[] distances) {

        /** Worst distance over positions {@code [from, to)} (clipped to what was compared). */
        double worst(int from, int to) {
            double w = 0;
            for (int i = Math.max(0, from); i < Math.min(to, distances.length); i++) {
                w = Math.max(w, distances[i]);
            }
            return w;
        }

        @Override
        public String toString() {
            int at = 0;
            for (int i = 0; i < distances.length; i++) {
                at = distances[i] > distances[at] ? i : at;
            }
            return String.format(Locale.ROOT, "len %3d: first difference %3d of %d, worst top-5 |dlogprob| %.5f at %d",
                    promptLength, firstDifference, generated, worst(0, distances.length), at);
        }
    }

    private LlamaCppGoldens() {}

    static Path resource(String name) {
        try {
            return Path.of(LlamaCppGoldens.class.getResource("/golden/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource golden/" + name + " is missing", e);
        }
    }

    static List<Outcome> run(Path model, List<GoldenFiles.Case> cases, KernelOps ops) throws Exception {
        try (LlmEngine engine = LlmEngine.open(model, CONFIG, null, ops)) {
            return cases.stream().map(c -> compare(c, generate(engine, c))).toList();
        }
    }

    private static Generation generate(LlmEngine engine, GoldenFiles.Case c) {
        EngineRequest r = new EngineRequest("golden", c.promptTokens(), SamplingParams.greedy(),
                new StopConditions(c.tokens().length, 0, List.of(), List.of(), true), 1, 10, false,
                "golden-" + System.nanoTime());
        try {
            return Generation.run(engine, r, t -> {});
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Outcome compare(GoldenFiles.Case c, Generation ours) {
        int first = -1;
        for (int i = 0; i < c.tokens().length; i++) {
            if (i >= ours.tokens().length || ours.tokens()[i] != c.tokens()[i]) {
                first = i;
                break;
            }
        }
        int compared = first < 0 ? c.tokens().length : first + 1; // the differing position's distribution too
        double[] distances = new double[compared];
        for (int i = 0; i < compared; i++) {
            for (int j = 0; j < c.topIds()[i].length; j++) {
                double d = Double.POSITIVE_INFINITY; // llama.cpp's top token missing from our top 10
                for (TokenLogProb t : ours.topLogprobs().get(i)) {
                    if (t.id() == c.topIds()[i][j]) {
                        d = Math.abs(t.logprob() - c.topLogprobs()[i][j]);
                    }
                }
                distances[i] = Math.max(distances[i], d);
            }
        }
        return new Outcome(c.prompt(), c.promptTokens().length, c.tokens().length, first, distances);
    }
}
