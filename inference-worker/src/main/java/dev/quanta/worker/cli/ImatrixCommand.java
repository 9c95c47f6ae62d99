package dev.quanta.worker.cli;

import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.quant.Imatrix;
import dev.quanta.worker.quant.ImatrixCollector;
import dev.quanta.worker.quant.ImatrixFile;
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

/** {@code quanta imatrix --model M --text FILE --out FILE [--ctx 512] [--chunks N]}: llama-imatrix's GGUF file. */
@Command(name = "imatrix", mixinStandardHelpOptions = true,
        description = "Compute an importance matrix (llama.cpp's imatrix GGUF) over calibration text.")
final class ImatrixCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-f", "--text"}, required = true, paramLabel = "FILE", description = "UTF-8 calibration text")
    Path text;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "imatrix GGUF to write; must not exist")
    Path out;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "tokens per chunk (default ${DEFAULT-VALUE})")
    int ctx = 512;

    @Option(names = "--chunks", paramLabel = "N", description = "process at most N chunks (default: all)")
    int chunks = -1;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N", description = "tokens per forward pass (default ${DEFAULT-VALUE})")
    int batch = 512;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "kernel threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--java-kernels", description = "use the pure-Java reference kernels")
    boolean javaKernels;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        OutputFiles.requireInput(model, "model file");
        OutputFiles.requireInput(text, "text file");
        OutputFiles.requireNew(out);
        if (batch < ImatrixCollector.MIN_ROWS) {
            throw new IllegalArgumentException("--batch-size must be at least " + ImatrixCollector.MIN_ROWS);
        }
        var err = spec.commandLine().getErr();
        Imatrix im;
        try (LlamaModel m = LlamaModel.open(model);
                KernelOps ops = KernelChoice.forModel(m, threads, javaKernels, err, "imatrix")) {
            Tokenizer tokenizer = Tokenizers.fromGguf(m.file().metadata());
            int[] tokens = tokenizer.encode(Files.readString(text, StandardCharsets.UTF_8), true, false);
            int bos = tokenizer.addsBos() ? tokenizer.bos() : -1;
            int total = Math.max(1, chunks > 0 ? Math.min(chunks, tokens.length / ctx) : tokens.length / ctx);
            ProgressBar[] bar = new ProgressBar[1];
            try {
                im = ImatrixCollector.collect(m, ops, tokens, bos, ctx, chunks, batch, text.getFileName().toString(),
                        done -> {
                            if (bar[0] == null) {
                                bar[0] = new ProgressBarBuilder().setTaskName("imatrix").setInitialMax(total)
                                        .setUnit(" chunks", 1).setStyle(ProgressBarStyle.ASCII)
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
        ImatrixFile.write(im, out);
        var o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("entries", im.entries().size());
            j.put("chunks", im.chunkCount());
            j.put("ctx", im.chunkSize());
            o.println(JsonMapper.builder().build().writeValueAsString(j));
        } else {
            o.printf(Locale.ROOT, "%s: %d matrices over %d chunks of %d tokens%n", out, im.entries().size(),
                    im.chunkCount(), im.chunkSize());
        }
        o.flush();
        return 0;
    }
}
