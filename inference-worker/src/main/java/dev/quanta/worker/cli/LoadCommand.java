package dev.quanta.worker.cli;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.EngineStats;
import dev.quanta.worker.engine.FinishReason;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.RequestListener;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.sampling.SamplingParams;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quanta load --model FILE -c 64 -p 448 -n 64 [--kv-cache-gib G] [--shared-prefix N]}: the serving engine
 * under concurrent load, in process (no HTTP): {@code -c} requests submitted at once, each of {@code -p} random prompt
 * tokens (the first {@code --shared-prefix} of them common to all) generating {@code -n} tokens greedily without
 * stopping at end-of-generation. Prints wall time, aggregate generated tokens/s, mean time to first token,
 * preemptions, prefix-cache hits, KV bytes per token, and peak blocks in use, so memory and batching can be checked.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Measure the serving engine under concurrent requests (in process): throughput, TTFT, KV memory.")
final class LoadCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", description = "Requests submitted at once (default 8).")
    int concurrency = 8;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "Prompt tokens per request (default 128).")
    int promptTokens = 128;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "Tokens generated per request (default 64).")
    int genTokens = 64;

    @Option(names = "--shared-prefix", paramLabel = "N", description = "Prompt tokens common to every request (default 0).")
    int sharedPrefix = 0;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--kv-cache-gib", paramLabel = "G", description = "KV cache budget in GiB (default: as serve).")
    double kvCacheGib = 0;

    @Option(names = "--max-batched-tokens", paramLabel = "N", description = "Token budget per step (default 512).")
    int maxBatchedTokens = EngineConfig.DEFAULT_MAX_BATCHED_TOKENS;

    @Option(names = "--max-seqs", paramLabel = "N", description = "Sequences running at once (default: -c).")
    Integer maxSeqs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || promptTokens < 1 || genTokens < 1 || sharedPrefix < 0 || sharedPrefix > promptTokens) {
            throw new IllegalArgumentException("need -c >= 1, -p >= 1, -n >= 1 and 0 <= --shared-prefix <= -p");
        }
        int seqs = maxSeqs != null ? maxSeqs : concurrency;
        EngineConfig config = new EngineConfig(threads, kvCacheGib, GgmlType.F16, promptTokens + genTokens,
                maxBatchedTokens, seqs, concurrency, EngineConfig.DEFAULT_BLOCK_SIZE, false);
        PrintWriter out = spec.commandLine().getOut();
        try (LlmEngine engine = LlmEngine.open(model, config)) {
            int vocab = engine.model().config().vocabSize();
            SplittableRandom random = new SplittableRandom(42);
            int[] prefix = random.ints(sharedPrefix, 0, vocab).toArray();
            warmUp(engine, vocab);
            EngineStats before = engine.stats();
            CountDownLatch done = new CountDownLatch(concurrency);
            AtomicLong ttftNanos = new AtomicLong();
            AtomicInteger errors = new AtomicInteger();
            AtomicInteger generated = new AtomicInteger();
            long start = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                int[] prompt = Arrays.copyOf(prefix, promptTokens);
                for (int j = sharedPrefix; j < promptTokens; j++) {
                    prompt[j] = random.nextInt(vocab);
                }
                EngineRequest r = new EngineRequest("load-" + i, prompt, SamplingParams.greedy(),
                        new StopConditions(genTokens, 0, List.of(), List.of(), true), 1, -1, false, null);
                engine.submit(r, new RequestListener() {
                    boolean first = true;

                    @Override
                    public void onToken(TokenOutput t) {
                        if (first) {
                            ttftNanos.addAndGet(System.nanoTime() - start);
                            first = false;
                        }
                        generated.incrementAndGet();
                    }

                    @Override
                    public void onFinish(int index, FinishReason reason, String text, Usage usage) {
                        if (reason != FinishReason.LENGTH) {
                            errors.incrementAndGet();
                        }
                        done.countDown();
                    }

                    @Override
                    public void onError(Throwable error) {
                        errors.incrementAndGet();
                        done.countDown();
                    }
                });
            }
            double peakUsage = 0;
            int peakRunning = 0;
            while (!done.await(20, TimeUnit.MILLISECONDS)) {
                EngineStats s = engine.stats();
                peakUsage = Math.max(peakUsage, s.kvUsage());
                peakRunning = Math.max(peakRunning, s.running());
            }
            double wall = (System.nanoTime() - start) / 1e9;
            EngineStats after = engine.stats();
            long hits = after.prefixHitTokens() - before.prefixHitTokens();
            long queried = after.prefixQueriedTokens() - before.prefixQueriedTokens();
            out.printf(Locale.ROOT, "model: %s, kernels: %s%n", model.getFileName(), engine.kernels().description());
            out.printf(Locale.ROOT, "requests: %d x (%d prompt + %d generated), errors: %d%n", concurrency,
                    promptTokens, genTokens, errors.get());
            out.printf(Locale.ROOT, "wall: %.2f s, generated: %.1f tok/s aggregate, mean TTFT: %.3f s%n", wall,
                    generated.get() / wall, ttftNanos.get() / 1e9 / concurrency);
            out.printf(Locale.ROOT, "KV: %d blocks of %d tokens, %d bytes per token (%.1f MiB), peak in use %d blocks"
                            + " (%.0f%%), peak running %d%n", after.numBlocks(), after.blockSize(),
                    after.kvBytesPerToken(), (double) after.numBlocks() * after.blockSize() * after.kvBytesPerToken()
                            / 1048576, Math.round(peakUsage * after.numBlocks()), peakUsage * 100, peakRunning);
            out.printf(Locale.ROOT, "preemptions: %d, prefix cache: %d of %d prompt tokens hit%n",
                    after.preemptions() - before.preemptions(), hits, queried);
            out.flush();
            return errors.get() == 0 ? 0 : 1;
        }
    }

    /** One short request first, so the JIT has compiled the step loop before anything is timed. */
    private static void warmUp(LlmEngine engine, int vocab) throws InterruptedException {
        int[] prompt = new SplittableRandom(7).ints(32, 0, vocab).toArray();
        Generation.run(engine, new EngineRequest("warm-up", prompt, SamplingParams.greedy(),
                new StopConditions(8, 0, List.of(), List.of(), true), 1, -1, false, "warm-up"), t -> {});
    }
}
