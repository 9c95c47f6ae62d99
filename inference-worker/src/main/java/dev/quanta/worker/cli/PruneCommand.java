package dev.quanta.worker.cli;

import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.quant.Perplexity;
import dev.quanta.worker.quant.Pruner;
import dev.quanta.worker.tokenizer.Tokenizer;
import dev.quanta.worker.tokenizer.Tokenizers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code quanta prune --model M --amount 0.3 --out FILE [--text FILE [--ctx N] [--chunks N]] [--json]}:
 * L1-magnitude unstructured pruning of the block weights, then (with a text) the perplexity before and after.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Zero the smallest-magnitude fraction of every linear weight; report the perplexity damage.")
final class PruneCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = "--amount", required = true, paramLabel = "F", description = "fraction of each matrix to zero, in [0, 1)")
    double amount;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "GGUF to write; must not exist")
    Path out;

    @Option(names = {"-f", "--text"}, paramLabel = "FILE", description = "text to measure perplexity before and after")
    Path text;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "tokens per chunk (default ${DEFAULT-VALUE})")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "evaluate at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "kernel threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--java-kernels", description = "use the pure-Java reference kernels")
    boolean javaKernels;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OutputFiles.requireInput(model, "model file");
        if (text != null) {
            OutputFiles.requireInput(text, "text file");
        }
        OutputFiles.requireNew(out);
        if (!(amount >= 0 && amount < 1)) {
            throw new IllegalArgumentException("--amount must be in [0, 1), got " + amount);
        }
        Pruner.Result pruned;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("prune").setInitialMax(Math.max(1,
                Files.size(model) >> 20)).setUnit(" MiB", 1).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).build()) {
            pruned = Pruner.prune(model, out, amount, b -> bar.stepTo(b >> 20));
        }
        Double before = null;
        Double after = null;
        if (text != null) {
            String s = Files.readString(text, StandardCharsets.UTF_8);
            before = perplexity(model, s);
            after = perplexity(out, s);
        }
        var o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("amount", amount);
            j.put("matrices", pruned.matrices());
            j.put("zeroed", pruned.zeroed());
            j.put("total", pruned.total());
            j.put("perplexity_before", before);
            j.put("perplexity_after", after);
            o.println(JsonMapper.builder().build().writeValueAsString(j));
        } else {
            o.printf(Locale.ROOT, "%s: zeroed %,d of %,d weights in %d matrices (%.1f%%)%n", out, pruned.zeroed(),
                    pruned.total(), pruned.matrices(), 100.0 * pruned.zeroed() / Math.max(1, pruned.total()));
            if (before != null) {
                o.printf(Locale.ROOT, "perplexity %.4f -> %.4f (%+.2f%%)%n", before, after,
                        100 * (after / before - 1));
            }
        }
        o.flush();
        return 0;
    }

    private double perplexity(Path file, String s) throws Exception {
        try (LlamaModel m = LlamaModel.open(file);
                KernelOps ops = KernelChoice.forModel(m, threads, javaKernels, spec.commandLine().getErr(), "prune")) {
            Tokenizer tokenizer = Tokenizers.fromGguf(m.file().metadata());
            int[] tokens = tokenizer.encode(s, true, false);
            int bos = tokenizer.addsBos() ? tokenizer.bos() : -1;
            return Perplexity.run(m, ops, tokens, bos, new Perplexity.Options(ctx, chunks, 512, null, null), null)
                    .perplexity();
        }
    }
}
