package dev.quanta.worker.cli;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.engine.EngineConfig;
import dev.quanta.worker.engine.LlmEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Options shared by generate, run and bench: which model and how to run it. Mixed into those commands. */
final class EngineFlags {

    /** Files above this size get a progress bar while their pages are read in. */
    private static final long PROGRESS_THRESHOLD = 256L << 20;

    // NOTE: checked in open() rather than by picocli, so that `bench --kernels` needs no model
    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model file (required).")
    Path model;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-c", "--ctx-size"}, paramLabel = "N",
            description = "Context size in tokens (default: the model's, at most 4096).")
    int contextSize = 0;

    @Option(names = {"-b", "--batch-size"}, paramLabel = "N",
            description = "Most tokens in one forward pass: prompt chunks (default 512).")
    int batchSize = EngineConfig.DEFAULT_MAX_BATCHED_TOKENS;

    @Option(names = "--kv-type", paramLabel = "f16|f32", description = "KV cache element type (default f16, as llama.cpp).")
    String kvType = "f16";

    @Option(names = "--java-kernels", description = "Use the pure-Java reference kernels instead of the native library.")
    boolean javaKernels;

    @Option(names = "--no-repack", description = "Use every weight matrix as the file holds it instead of re-laying "
            + "the ones the kernels multiply faster otherwise at load (Q4_0, Q5_0, Q8_0, IQ4_NL, Q2_K..Q5_K) "
            + "(llama.cpp's --no-repack). Same results, except IQ4_NL, Q5_0 and Q8_0, which then sum in "
            + "llama.cpp's order without repacking instead of its repacked one.")
    boolean noRepack;

    /** One sequence at a time: the KV cache holds one full-length sequence (the command line's use). */
    EngineConfig config() {
        GgmlType kv = switch (kvType.toLowerCase(java.util.Locale.ROOT)) {
            case "f16" -> GgmlType.F16;
            case "f32" -> GgmlType.F32;
            default -> throw new IllegalArgumentException("--kv-type must be f16 or f32, got '" + kvType + "'");
        };
        if (contextSize < 0) {
            throw new IllegalArgumentException("--ctx-size must be >= 0, got " + contextSize);
        }
        return new EngineConfig(threads, 0, kv, contextSize, batchSize, 1, 0, EngineConfig.DEFAULT_BLOCK_SIZE,
                javaKernels);
    }

    /** Opens the engine, with a progress bar on stderr for large files (logs go to stderr: see logback.xml). */
    LlmEngine open() throws IOException {
        if (model == null) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--model=FILE'");
        }
        return openQuietly();
    }

    private LlmEngine openQuietly() throws IOException {
        EngineConfig options = config();
        if (!Files.exists(model)) {
            throw new IOException("model file not found: " + model);
        }
        if (!Files.isRegularFile(model)) {
            throw new IOException("not a regular file: " + model);
        }
        long size = Files.size(model);
        if (size < PROGRESS_THRESHOLD) {
            return open(options, null);
        }
        try (ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("loading " + model.getFileName())
                .setInitialMax(size >> 20)
                .setUnit(" MiB", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .build()) {
            return open(options, bytes -> bar.stepTo(bytes >> 20));
        }
    }

    private LlmEngine open(EngineConfig options, java.util.function.LongConsumer progress) throws IOException {
        if (!noRepack || javaKernels) {
            return LlmEngine.open(model, options, progress);
        }
        return LlmEngine.open(model, options, progress, dev.quanta.kernels.Kernels.create(
                dev.quanta.kernels.KernelConfig.withThreads(threads).withRepack(false)));
    }
}
