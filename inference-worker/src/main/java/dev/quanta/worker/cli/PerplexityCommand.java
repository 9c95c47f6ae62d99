package dev.quanta.worker.cli;

import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.quant.Perplexity;
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
 * {@code quanta perplexity --model M --text FILE [--ctx 512] [--chunks N] [--save-logits F] [--kl-base F]
 * [--json] [--register URL --model-key KEY]}: llama-perplexity's perplexity, and its KL divergence against a
 * base model's saved logits.
 */
@Command(name = "perplexity", mixinStandardHelpOptions = true,
        description = "Perplexity over a text as llama-perplexity computes it; KL divergence vs saved base logits.")
final class PerplexityCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-f", "--text"}, paramLabel = "FILE", description = "UTF-8 text (not needed with --kl-base)")
    Path text;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "tokens per chunk (default ${DEFAULT-VALUE})")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "evaluate at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch = 512;

    @Option(names = "--save-logits", paramLabel = "FILE",
            description = "save log-probabilities as a KL base (llama-perplexity's --kl-divergence-base format)")
    Path saveLogits;

    @Option(names = "--kl-base", paramLabel = "FILE", description = "base log-probabilities to compare with (its tokens are used)")
    Path klBase;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "kernel threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--java-kernels", description = "use the pure-Java reference kernels")
    boolean javaKernels;

    @Option(names = "--no-repack", description = "Use every weight matrix as the file holds it instead of re-laying "
            + "those the kernels multiply faster in another layout (llama.cpp's --no-repack; IQ4_NL, Q5_0 and "
            + "Q8_0 then sum in llama.cpp's order without repacking).")
    boolean noRepack;

    @Option(names = "--json", description = "print one JSON object: perplexity, kl_mean, kl_p99, same_top_rate, ...")
    boolean json;

    @Option(names = "--register", paramLabel = "URL", description = "record the model file with its measured quality in the registry at URL")
    String register;

    @Option(names = "--model-key", paramLabel = "KEY", description = "the registry's key of the model, for --register")
    String modelKey;

    @Option(names = "--quant-type", paramLabel = "TYPE", description = "quantization type to register (default: from general.file_type)")
    String quantType;

    @Override
    public Integer call() throws Exception {
        OutputFiles.requireInput(model, "model file");
        if (klBase == null && text == null) {
            throw new IllegalArgumentException("give --text FILE (or --kl-base FILE)");
        }
        if (text != null) {
            OutputFiles.requireInput(text, "text file");
        }
        if (klBase != null) {
            OutputFiles.requireInput(klBase, "KL base file");
        }
        if (saveLogits != null) {
            OutputFiles.requireNew(saveLogits);
        }
        if (register != null) {
            RegistryArtifacts.requireModelKey(modelKey);
        }
        if (ctx < 4 || batch < 1) {
            throw new IllegalArgumentException("--ctx must be at least 4 and --batch-size at least 1");
        }
        var err = spec.commandLine().getErr();
        Perplexity.Result r;
        try (LlamaModel m = LlamaModel.open(model);
                KernelOps ops = KernelChoice.forModel(m, threads, javaKernels, !noRepack, err, "perplexity")) {
            Tokenizer tokenizer = Tokenizers.fromGguf(m.file().metadata());
            int[] tokens = text == null ? new int[0]
                    : tokenizer.encode(Files.readString(text, StandardCharsets.UTF_8), true, false);
            int bos = tokenizer.addsBos() ? tokenizer.bos() : -1;
            Perplexity.Options options = new Perplexity.Options(ctx, chunks, batch, saveLogits, klBase);
            ProgressBar[] bar = new ProgressBar[1];
            try {
                r = Perplexity.run(m, ops, tokens, bos, options, done -> {
                    if (bar[0] == null) {
                        bar[0] = new ProgressBarBuilder().setTaskName("perplexity").setInitialMax(
                                expectedChunks(tokens.length)).setUnit(" chunks", 1).setStyle(ProgressBarStyle.ASCII)
                                .setUpdateIntervalMillis(500).build();
                    }
                    bar[0].stepTo(done);
                });
            } finally {
                if (bar[0] != null) {
                    bar[0].close();
                }
            }
        }
        if (register != null) {
            String type = quantType != null ? quantType : FileTypes.nameOf(model);
            RegistryArtifacts.register(register, modelKey, model, type,
                    new RegistryArtifacts.Quality(r.perplexity(), r.klMean(), r.sameTopRate()));
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", model.toString());
            o.put("ctx", r.ctx());
            o.put("chunks", r.chunks());
            o.put("scored_tokens", r.scored());
            o.put("perplexity", r.perplexity());
            o.put("kl_mean", r.klMean());
            o.put("kl_p99", r.klP99());
            o.put("same_top_rate", r.sameTopRate());
            out.println(JsonMapper.builder().build().writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "perplexity %.4f over %d chunks of %d (%d scored tokens)%n", r.perplexity(),
                    r.chunks(), r.ctx(), r.scored());
            if (r.klMean() != null) {
                out.printf(Locale.ROOT, "KL divergence mean %.6f, p99 %.6f; same top token %.3f%%%n", r.klMean(),
                        r.klP99(), 100 * r.sameTopRate());
            }
        }
        out.flush();
        return 0;
    }

    private int expectedChunks(int tokens) {
        int n = tokens > 0 ? tokens / ctx : 1;
        return chunks > 0 ? Math.min(n, chunks) : Math.max(1, n);
    }
}
