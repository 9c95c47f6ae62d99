package dev.quanta.worker.cli;

import dev.quanta.worker.api.BatchRunner;
import dev.quanta.worker.api.ServedModel;
import dev.quanta.worker.config.ServedNames;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.gguf.GgmlType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code quanta batch --model FILE --input requests.jsonl --output results.jsonl}: offline generation through one
 * engine, every line in flight at once up to the engine's limits (continuous batching does the rest), as vLLM's
 * {@code run-batch}. Input lines: OpenAI batch requests ({@code custom_id}, {@code method}, {@code url},
 * {@code body}) or plain {@code {"prompt": ...}} completion bodies. Results are appended one line each as they
 * finish; a rerun skips the ids already in the output (resumable).
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
        description = "Run an OpenAI batch file (JSONL) through the engine, resumably.")
final class BatchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", required = true, description = "GGUF model file.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true, description = "Requests, one JSON a line.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Results, one JSON a line (appended; ids already there are skipped).")
    Path output;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--kv-cache-gib", paramLabel = "G", description = "KV cache budget in GiB (default: half of free memory).")
    double kvCacheGib = 0;

    @Option(names = "--max-model-len", paramLabel = "L", description = "Positions per sequence (default: the model's, at most 4096).")
    int maxModelLen = 0;

    @Option(names = "--max-batched-tokens", paramLabel = "B", description = "Token budget per step (default 512).")
    int maxBatchedTokens = EngineConfig.DEFAULT_MAX_BATCHED_TOKENS;

    @Option(names = "--max-seqs", paramLabel = "S", description = "Sequences running at once (default 64).")
    int maxSeqs = EngineConfig.DEFAULT_MAX_SEQS;

    @Option(names = "--java-kernels", description = "Use the pure-Java reference kernels.")
    boolean javaKernels;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(model)) {
            throw new NoSuchFileException(model.toString(), null, "model file not found");
        }
        if (!Files.isRegularFile(input)) {
            throw new NoSuchFileException(input.toString(), null, "input file not found");
        }
        Set<String> done = finishedIds(output);
        List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        List<Pending> todo = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = BatchRunner.parse(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(input + " line " + (i + 1) + ": not JSON: " + e.getMessage());
            }
            String id = BatchRunner.customId(node, i + 1);
            if (!seen.add(id)) {
                throw new IllegalArgumentException(input + " line " + (i + 1) + ": duplicate custom_id '" + id + "'");
            }
            if (!done.contains(id)) {
                todo.add(new Pending(node, id));
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        if (todo.isEmpty()) {
            err.println("nothing to do: all " + seen.size() + " requests already have results in " + output);
            err.flush();
            return 0;
        }
        EngineConfig config = new EngineConfig(threads, kvCacheGib, GgmlType.F16, maxModelLen, maxBatchedTokens,
                maxSeqs, EngineConfig.DEFAULT_MAX_WAITING, EngineConfig.DEFAULT_BLOCK_SIZE, javaKernels);
        endWithNewline(output);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        try (LlmEngine engine = LlmEngine.open(model, config);
             BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND);
             ProgressBar bar = progress(todo.size());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            BatchRunner runner = new BatchRunner(ServedModel.of(ServedNames.fromFile(model), engine));
            // in flight: every running sequence plus a full step's worth waiting, within the engine's queue limit
            Semaphore inFlight = new Semaphore(maxSeqs + Math.min(maxSeqs, EngineConfig.DEFAULT_MAX_WAITING));
            for (Pending p : todo) {
                inFlight.acquire();
                pool.submit(() -> {
                    try {
                        var result = runner.run(p.node(), p.id());
                        if (result.path("response").path("status_code").asInt() != 200) {
                            failed.incrementAndGet();
                        }
                        String json = BatchRunner.write(result);
                        synchronized (out) {
                            out.write(json);
                            out.newLine();
                            out.flush(); // a stopped run keeps every finished line
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        inFlight.release();
                        if (bar != null) {
                            bar.step();
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        err.printf(java.util.Locale.ROOT, "%d requests in %.1f s (%d failed; see their response bodies) -> %s%n",
                todo.size(), seconds, failed.get(), output);
        err.flush();
        return failed.get() == 0 ? 0 : 1;
    }

    private record Pending(JsonNode node, String id) {}

    private ProgressBar progress(int total) {
        if (noProgress) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName("batch").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" req", 1).build();
    }

    /** After an interrupted run the last line may be torn: start the appended results on a line of their own. */
    private static void endWithNewline(Path output) throws IOException {
        if (Files.exists(output) && Files.size(output) > 0) {
            byte[] all = Files.readAllBytes(output);
            if (all[all.length - 1] != '\n') {
                Files.write(output, new byte[] {'\n'}, StandardOpenOption.APPEND);
            }
        }
    }

    /** Custom ids of the results already written (a torn last line from an interrupted run is ignored). */
    static Set<String> finishedIds(Path output) throws IOException {
        Set<String> ids = new HashSet<>();
        if (!Files.exists(output)) {
            return ids;
        }
        for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
            try {
                JsonNode n = BatchRunner.parse(line);
                JsonNode id = n.get("custom_id");
                if (id != null && id.isString()) {
                    ids.add(id.stringValue());
                }
            } catch (RuntimeException e) {
                // an incomplete line: that request runs again
            }
        }
        return ids;
    }
}
