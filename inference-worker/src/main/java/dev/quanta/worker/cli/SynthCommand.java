package dev.quanta.worker.cli;

import dev.quanta.gguf.GgmlType;
import dev.quanta.worker.model.Architecture;
import dev.quanta.worker.synth.SynthPlan;
import dev.quanta.worker.synth.SynthShape;
import dev.quanta.worker.synth.SynthVocab;
import dev.quanta.worker.synth.Synthesizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quanta synth}: writes a benchmark model, a Llama-architecture GGUF with seeded random weights and the
 * tokenizer of a vocab GGUF. Prints one line at the end: path, size, parameter count, seconds.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a Llama-architecture GGUF with seeded random weights (N(0, 0.02^2), norms 1, tied "
                + "embeddings) and the tokenizer of a vocab GGUF.")
public final class SynthCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--shape", required = true, paramLabel = "NAME", description = "smol-135m or llama-1b")
    String shape;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "F16, Q8_0, Q4_0, Q4_K, Q6_K (also F32, BF16, Q4_1, Q5_0, Q5_1, Q5_K); K-quant matrices "
                    + "whose rows are not a multiple of 256 fall back as llama.cpp does")
    String type;

    @Option(names = "--vocab", required = true, paramLabel = "VOCAB.gguf",
            description = "GGUF whose tokenizer.* keys are copied, e.g. models/vocab/ggml-vocab-llama-bpe.gguf;"
                    + " or 'bytes': a 259-token byte-level tokenizer made on the spot (no file)")
    Path vocab;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "llama",
            description = "llama (default), qwen2 (Q/K/V biases) or qwen3 (per-head Q/K norms); NeoX RoPE for qwen")
    String arch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the GGUF file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        SynthShape synthShape = SynthShape.byName(shape).orElseThrow(() -> usage("unknown shape '" + shape
                + "' (use " + SynthShape.PUBLISHED.stream().map(SynthShape::name).collect(Collectors.joining(" or "))
                + ")"));
        GgmlType ggmlType = parseType(type);
        Architecture architecture = Architecture.fromGgufName(arch.toLowerCase(Locale.ROOT))
                .filter(SynthPlan.ARCHITECTURES::contains)
                .orElseThrow(() -> usage("unknown architecture '" + arch + "' (use llama, qwen2 or qwen3)"));
        boolean byteLevel = vocab.toString().equals(SynthVocab.BYTES);
        if (!byteLevel && !Files.isRegularFile(vocab)) {
            throw usage("vocab file " + vocab + " does not exist");
        }
        checkWritable(out);

        SynthVocab tokenizer = byteLevel ? SynthVocab.byteLevel() : SynthVocab.read(vocab);
        SynthPlan plan = SynthPlan.of(synthShape, ggmlType, tokenizer.tokenCount(), architecture);
        PrintWriter err = spec.commandLine().getErr();
        plan.fallbacks().forEach((fallback, count) -> err.println("quanta synth: note: " + count + " of "
                + plan.tensors().size() + " tensors have rows that are not whole " + ggmlType + " blocks of "
                + ggmlType.blockSize() + "; they are stored as " + fallback));
        err.flush();

        long start = System.nanoTime();
        Synthesizer.Result result;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("synth " + synthShape.name() + " " + ggmlType)
                .setInitialMax(plan.parameterCount()).setUnit("M params", 1_000_000).showSpeed()
                .setUpdateIntervalMillis(500).build()) {
            result = Synthesizer.write(plan, tokenizer, seed, out, bar::stepBy);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "%s: %.1f MiB, %,d parameters, %.1f s%n", result.path(),
                result.fileBytes() / (1024.0 * 1024.0), result.parameters(), seconds);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private GgmlType parseType(String name) {
        for (GgmlType t : SynthPlan.TYPES) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw usage("unknown type '" + name + "' (use one of "
                + SynthPlan.TYPES.stream().map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }

    /** Fails fast, before minutes of generation, when {@code file} cannot be created. */
    private void checkWritable(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw usage("output " + file + " is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw usage("cannot write " + file + ": directory " + parent + " does not exist");
        }
        // NOTE: a real probe file, because permission bits say nothing for root, /proc or read-only mounts
        try {
            Files.delete(Files.createTempFile(parent, ".synth-probe-", ".tmp"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                    : e.getClass().getSimpleName();
            throw usage("cannot write " + file + ": " + reason);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
