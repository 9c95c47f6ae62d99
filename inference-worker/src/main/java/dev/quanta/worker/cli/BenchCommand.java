package dev.quanta.worker.cli;

import dev.quanta.kernels.bench.KernelBench;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import java.io.PrintWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quanta bench --model FILE -p 128 -n 64 -t 2 [-r 5] [--json]}: prompt processing and generation speed,
 * measured as llama.cpp's {@code llama-bench} does: one warm-up run, then {@code -r} repetitions of each test on
 * an empty cache with random tokens; the figure is the mean tokens/s over repetitions ± its sample standard
 * deviation. Both tests are requests through the serving engine's step loop (the one code path): prompt processing
 * is a request of {@code -p} random tokens (computed in chunks of {@code --batch-size}) timed to its first token;
 * generation is a request of one token generating {@code -n}, timed to its end. {@code bench --kernels} runs the kernel micro-benchmark instead.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt-processing and generation tokens/s (llama-bench style), or the kernels.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    EngineFlags engine;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "Prompt tokens per pp test (default 128, 0 = skip).")
    int promptTokens = 128;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "Generated tokens per tg test (default 64, 0 = skip).")
    int genTokens = 64;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "Repetitions of each test (default 5).")
    int repetitions = 5;

    @Option(names = "--json", description = "Print {\"pp_tok_s\": ..., \"tg_tok_s\": ...} (plus spreads).")
    boolean json;

    @Option(names = "--kernels", description = "Run the kernel micro-benchmark (KernelBench) instead; --model is then ignored.")
    boolean kernels;

    @Spec
    CommandSpec spec;

    /** Mean and sample standard deviation of tokens/s over repetitions. */
    record Figure(double mean, double stddev) {
        static Figure of(double[] samples) {
            double mean = 0;
            for (double s : samples) {
                mean += s;
            }
            mean /= samples.length;
            double var = 0;
            for (double s : samples) {
                var += (s - mean) * (s - mean);
            }
            return new Figure(mean, samples.length > 1 ? Math.sqrt(var / (samples.length - 1)) : 0);
        }
    }

    /** Greedy, ignoring end-of-generation, with a salt of its own so no repetition reuses another's cache. */
    private static EngineRequest request(int[] prompt, int generate) {
        return new EngineRequest("bench", prompt, SamplingParams.greedy(),
                new StopConditions(generate, 0, List.of(), List.of(), true), 1, -1, false, "bench-" + System.nanoTime());
    }

    private static int[] randomTokens(SplittableRandom random, int vocab, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = random.nextInt(vocab);
        }
        return t;
    }

    @Override
    public Integer call() throws Exception {
        if (kernels) {
            KernelBench.main(new String[] {"--threads", Integer.toString(engine.threads)});
            return 0;
        }
        if (promptTokens < 0 || genTokens < 0 || repetitions < 1) {
            throw new IllegalArgumentException("-p and -n must be >= 0 and -r >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LlmEngine e = engine.open()) {
            if (promptTokens >= e.maxModelLen() || genTokens + 1 > e.maxModelLen()) {
                throw new IllegalArgumentException("test of " + Math.max(promptTokens, genTokens)
                        + " tokens does not fit in the context of " + e.maxModelLen() + " (raise --ctx-size)");
            }
            SplittableRandom random = new SplittableRandom(1234);
            int vocab = e.model().config().vocabSize();
            Figure pp = null;
            Figure tg = null;
            if (promptTokens > 0) {
                double[] samples = new double[repetitions];
                for (int r = -1; r < repetitions; r++) { // r = -1 is the warm-up
                    Generation g = Generation.run(e, request(randomTokens(random, vocab, promptTokens), 1), t -> {});
                    if (r >= 0) {
                        samples[r] = promptTokens / (g.firstTokenNanos() / 1e9);
                    }
                }
                pp = Figure.of(samples);
            }
            if (genTokens > 0) {
                double[] samples = new double[repetitions];
                for (int r = -1; r < repetitions; r++) {
                    Generation g = Generation.run(e, request(randomTokens(random, vocab, 1), genTokens), t -> {});
                    if (r >= 0) {
                        samples[r] = genTokens / (g.totalNanos() / 1e9);
                    }
                }
                tg = Figure.of(samples);
            }
            if (json) {
                StringBuilder s = new StringBuilder("{");
                if (pp != null) {
                    s.append(String.format(java.util.Locale.ROOT, "\"pp_tok_s\": %.2f, \"pp_stddev\": %.2f", pp.mean(), pp.stddev()));
                }
                if (tg != null) {
                    s.append(pp != null ? ", " : "").append(String.format(java.util.Locale.ROOT,
                            "\"tg_tok_s\": %.2f, \"tg_stddev\": %.2f", tg.mean(), tg.stddev()));
                }
                out.println(s.append("}"));
            } else {
                String name = e.model().path().getFileName().toString();
                out.printf("model: %s, %s, kernels: %s%n", name, e.model().config().architecture().ggufName(),
                        e.kernels().description());
                if (pp != null) {
                    out.printf(java.util.Locale.ROOT, "pp%-5d %10.2f ± %.2f tok/s%n", promptTokens, pp.mean(), pp.stddev());
                }
                if (tg != null) {
                    out.printf(java.util.Locale.ROOT, "tg%-5d %10.2f ± %.2f tok/s%n", genTokens, tg.mean(), tg.stddev());
                }
            }
            out.flush();
        }
        return 0;
    }
}
