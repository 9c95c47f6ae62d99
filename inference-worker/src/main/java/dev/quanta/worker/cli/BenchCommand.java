package dev.quanta.worker.cli;

import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.kernels.bench.KernelBench;
import dev.quanta.kernels.bench.MemoryBandwidth;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quanta bench --model FILE -p 128,512 -n 64 -t 2 [-r 5] [--json]}: prompt processing and generation speed,
 * measured as llama.cpp's {@code llama-bench} does: for each test, warm-up runs (at least 3 s of them, for the JIT),
 * then {@code -r} repetitions on
 * an empty cache with random tokens (one prompt test per {@code -p} value, one generation test per {@code -n}); each
 * figure is
 * the mean tokens/s over repetitions ± its sample standard deviation. Both kinds are requests through the serving
 * engine's step loop (the one code path): a prompt test is a request of its random tokens timed to its first token
 * (computed in chunks of {@code --batch-size}); a generation test is a request of one token generating its count,
 * timed to its end. {@code bench --kernels} runs the kernel micro-benchmark instead; {@code bench --memory} measures
 * the machine's read bandwidth ({@link MemoryBandwidth}), the ceiling of decode. The text output also says the memory
 * the run holds: tensor bytes mapped and KV cache bytes allocated.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt-processing and generation tokens/s (llama-bench style), or the kernels.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    EngineFlags engine;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N[,N...]", split = ",", defaultValue = "128",
            description = "Prompt tokens per pp test, one test per value (default 128, 0 = skip).")
    List<Integer> promptTokens;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N[,N...]", split = ",", defaultValue = "64",
            description = "Generated tokens per tg test, one test per value (default 64, 0 = skip).")
    List<Integer> genTokens;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "N", description = "Repetitions of each test (default 5).")
    int repetitions = 5;

    @Option(names = "--json", description = "Print {\"tests\": [{\"test\": \"pp128\", \"tok_s\": ..., \"stddev\": ..., "
            + "\"best_tok_s\": ...}, ...]} plus the first pp and tg test as pp_tok_s / tg_tok_s (their spreads and "
            + "bests) and the memory: weights_bytes mapped, kv_bytes and kv_tokens allocated.")
    boolean json;

    @Option(names = "--memory", description = "Measure this machine's read bandwidth instead (all threads, a buffer of "
            + "--memory-gib GiB, streaming reads, best of 5); --model is then ignored.")
    boolean memory;

    @Option(names = "--memory-gib", paramLabel = "GIB",
            description = "Buffer of --memory, GiB (default 1, at least 1).")
    double memoryGib = 1;

    @Option(names = "--kernels", description = "Run the kernel micro-benchmark (KernelBench) instead; --model is then ignored.")
    boolean kernels;

    @Spec
    CommandSpec spec;

    /** Mean, sample standard deviation and best of tokens/s over repetitions. */
    record Figure(double mean, double stddev, double best) {
        static Figure of(double[] samples) {
            double mean = 0;
            double best = 0;
            for (double s : samples) {
                mean += s;
                best = Math.max(best, s);
            }
            mean /= samples.length;
            double var = 0;
            for (double s : samples) {
                var += (s - mean) * (s - mean);
            }
            return new Figure(mean, samples.length > 1 ? Math.sqrt(var / (samples.length - 1)) : 0, best);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (kernels) {
            KernelBench.main(new String[] {"--threads", Integer.toString(engine.threads)});
            return 0;
        }
        if (memory) {
            return memoryBandwidth(spec.commandLine().getOut());
        }
        if (promptTokens.stream().anyMatch(p -> p < 0) || genTokens.stream().anyMatch(n -> n < 0)
                || repetitions < 1) {
            throw new IllegalArgumentException("-p and -n must be >= 0 and -r >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LlmEngine e = engine.open()) {
            int longest = Math.max(max(promptTokens), max(genTokens) + 1);
            if (longest > e.maxModelLen()) {
                throw new IllegalArgumentException("test of " + longest
                        + " tokens does not fit in the context of " + e.maxModelLen() + " (raise --ctx-size)");
            }
            SplittableRandom random = new SplittableRandom(1234);
            int vocab = e.model().config().vocabSize();
            List<Test> tests = new ArrayList<>();
            for (int p : promptTokens) {
                if (p > 0) {
                    tests.add(new Test("pp" + p, measure(() -> Generation.run(e, request(random, vocab, p, 1), t -> {})
                            .firstTokenNanos() / 1e9, p)));
                }
            }
            for (int n : genTokens) {
                if (n > 0) {
                    tests.add(new Test("tg" + n, measure(() -> Generation.run(e, request(random, vocab, 1, n), t -> {})
                            .totalNanos() / 1e9, n)));
                }
            }
            long weights = e.model().weightBytes();
            long kv = e.kvCacheBytes();
            if (!json) {
                String name = e.model().path().getFileName().toString();
                out.printf("model: %s, %s, kernels: %s%n", name, e.model().config().architecture().ggufName(),
                        e.kernels().description());
                out.printf(Locale.ROOT, "memory: %d bytes of tensor data mapped + %d bytes of %s KV cache (%d tokens) "
                        + "= %.1f MiB%n", weights, kv, e.config().kvType(), e.kvCacheTokens(),
                        (weights + kv) / 1048576.0);
            }
            out.println(json ? toJson(tests, weights, kv, e.kvCacheTokens()) : table(tests));
            out.flush();
        }
        return 0;
    }

    /** {@code --memory}: the read bandwidth of {@link MemoryBandwidth} with the kernels' threads. */
    private int memoryBandwidth(PrintWriter out) {
        if (!(memoryGib >= 1)) {
            throw new IllegalArgumentException("--memory-gib must be at least 1, got " + memoryGib);
        }
        try (KernelOps ops = Kernels.create(KernelConfig.withThreads(engine.threads))) {
            MemoryBandwidth.Result r = MemoryBandwidth.measure(ops, (long) (memoryGib * (1L << 30)),
                    MemoryBandwidth.DEFAULT_PASSES);
            if (json) {
                out.printf(Locale.ROOT, "{\"read_gb_s\": %.2f, \"mean_gb_s\": %.2f, \"bytes\": %d, \"threads\": %d, "
                        + "\"passes\": %d}%n", r.bestGbPerSecond(), r.meanGbPerSecond(), r.bytes(), r.threads(),
                        r.passes());
            } else {
                out.printf(Locale.ROOT, "memory read bandwidth: %.2f GB/s (best of %d passes, mean %.2f GB/s; "
                        + "%.2f GiB buffer, %d threads, GB = 10^9 bytes)%n", r.bestGbPerSecond(), r.passes(),
                        r.meanGbPerSecond(), r.bytes() / (double) (1L << 30), r.threads());
            }
            out.flush();
        }
        return 0;
    }

    /** One test's name (pp128, tg64) and figure. */
    record Test(String name, Figure figure) {}

    /** Seconds of one run of a test. */
    @FunctionalInterface
    interface Run {
        double seconds() throws InterruptedException;
    }

    /** Warm-up runs of a test before its timed ones: at least this long in all (the JIT's settling time). */
    static final double WARMUP_SECONDS = 3.0;

    /**
     * Warm-up runs (at least one, and at least {@link #WARMUP_SECONDS} in all: llama-bench's one warm-up run is
     * enough for its caches but not for a JVM, whose first hundreds of tokens run in profiled, not yet optimized
     * code), then {@code -r} timed ones: tokens/s of each.
     */
    private Figure measure(Run run, int tokens) throws InterruptedException {
        double warm = 0;
        do {
            warm += run.seconds();
        } while (warm < WARMUP_SECONDS);
        double[] samples = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            samples[r] = tokens / run.seconds();
        }
        return Figure.of(samples);
    }

    /**
     * {@code prompt} random tokens generating {@code generate} greedily, ignoring end-of-generation, with a salt of its
     * own so no run reuses another's cached blocks (every run starts from an empty cache, as llama-bench's).
     */
    private static EngineRequest request(SplittableRandom random, int vocab, int prompt, int generate) {
        int[] tokens = new int[prompt];
        for (int i = 0; i < prompt; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return new EngineRequest("bench", tokens, SamplingParams.greedy(),
                new StopConditions(generate, 0, List.of(), List.of(), true), 1, -1, false, "bench-" + System.nanoTime());
    }

    private static int max(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static String table(List<Test> tests) {
        StringBuilder s = new StringBuilder();
        for (Test t : tests) {
            if (!s.isEmpty()) {
                s.append(System.lineSeparator());
            }
            s.append(String.format(Locale.ROOT, "%-7s %10.2f ± %.2f tok/s", t.name(), t.figure().mean(),
                    t.figure().stddev()));
        }
        return s.toString();
    }

    private static String toJson(List<Test> tests, long weightBytes, long kvBytes, long kvTokens) {
        StringBuilder s = new StringBuilder("{");
        s.append(String.format(Locale.ROOT, "\"weights_bytes\": %d, \"kv_bytes\": %d, \"kv_tokens\": %d, ",
                weightBytes, kvBytes, kvTokens));
        for (String kind : List.of("pp", "tg")) {
            tests.stream().filter(t -> t.name().startsWith(kind)).findFirst().ifPresent(t -> s.append(String.format(
                    Locale.ROOT, "\"%s_tok_s\": %.2f, \"%s_stddev\": %.2f, \"%s_best_tok_s\": %.2f, ", kind,
                    t.figure().mean(), kind, t.figure().stddev(), kind, t.figure().best())));
        }
        s.append("\"tests\": [");
        for (int i = 0; i < tests.size(); i++) {
            Test t = tests.get(i);
            s.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT,
                    "{\"test\": \"%s\", \"tok_s\": %.2f, \"stddev\": %.2f, \"best_tok_s\": %.2f}", t.name(),
                    t.figure().mean(), t.figure().stddev(), t.figure().best()));
        }
        return s.append("]}").toString();
    }
}
