package dev.quanta.worker.cli;

import dev.quanta.worker.quant.Imatrix;
import dev.quanta.worker.quant.ImatrixFile;
import dev.quanta.worker.quant.ModelQuantizer;
import dev.quanta.worker.quant.QuantFileType;
import dev.quanta.worker.quant.QuantizeOptions;
import dev.quanta.worker.quant.TensorTypeRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code quanta quantize IN.gguf OUT.gguf TYPE [--tensor-type PATTERN=TYPE]... [--imatrix FILE] [--threads N]
 * [--allow-requantize] [--pure] [--json] [--register URL]}: llama-quantize's file, byte for byte.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a GGUF model as llama.cpp's llama-quantize does (same tensor types and bytes).")
final class QuantizeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.gguf", description = "model to quantize (F32/F16/BF16)")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.gguf", description = "file to write; must not exist")
    Path output;

    @Parameters(index = "2", paramLabel = "TYPE", description = "F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, "
            + "Q3_K_S, Q3_K_M, Q3_K_L, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M, Q6_K or IQ4_NL")
    String type;

    @Option(names = "--tensor-type", paramLabel = "PATTERN=TYPE",
            description = "tensors whose name contains the regex PATTERN get TYPE (first match wins)")
    List<String> tensorTypes = new ArrayList<>();

    @Option(names = "--imatrix", paramLabel = "FILE", description = "importance matrix (quanta imatrix / llama-imatrix GGUF)")
    Path imatrix;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--allow-requantize", description = "allow quantizing tensors that are already quantized")
    boolean allowRequantize;

    @Option(names = "--pure", description = "no mix rules: every quantizable tensor gets TYPE")
    boolean pure;

    @Option(names = "--json", description = "print one JSON object (tensor types and sizes)")
    boolean json;

    @Option(names = "--register", paramLabel = "URL",
            description = "record OUT.gguf as an artifact of its model in the registry at URL")
    String register;

    @Option(names = "--model-key", paramLabel = "KEY", description = "the registry's key of the model, for --register")
    String modelKey;

    @Override
    public Integer call() throws Exception {
        QuantFileType fileType = QuantFileType.parse(type).orElseThrow(() -> new IllegalArgumentException(
                "unsupported type '" + type + "' (use one of " + QuantFileType.names() + ")"));
        OutputFiles.requireInput(input, "model file");
        OutputFiles.requireNew(output);
        List<TensorTypeRules.Override> overrides = tensorTypes.stream().map(TensorTypeRules.Override::parse).toList();
        Imatrix im = null;
        if (imatrix != null) {
            OutputFiles.requireInput(imatrix, "imatrix file");
            im = ImatrixFile.read(imatrix);
        }
        if (register != null) {
            RegistryArtifacts.requireModelKey(modelKey);
        }
        QuantizeOptions options = new QuantizeOptions(input, output, fileType, overrides, im, threads,
                allowRequantize, pure);
        long start = System.nanoTime();
        ModelQuantizer.Result result;
        ProgressBar[] bar = new ProgressBar[1];
        try {
            result = ModelQuantizer.quantize(options, plan -> {
                bar[0] = new ProgressBarBuilder().setTaskName("quantize " + fileType)
                        .setInitialMax(Math.max(1, plan.inputBytes() >> 20)).setUnit(" MiB", 1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
                return bytes -> bar[0].stepTo(bytes >> 20);
            });
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var err = spec.commandLine().getErr();
        result.fallbacks().forEach(f -> err.println("quanta quantize: note: fallback " + f));
        err.flush();
        if (register != null) {
            RegistryArtifacts.register(register, modelKey, output, fileType.name(), null);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("output", output.toString());
            o.put("type", fileType.name());
            o.put("input_bytes", result.inputBytes());
            o.put("output_bytes", result.outputBytes());
            o.put("seconds", seconds);
            Map<String, String> types = new LinkedHashMap<>();
            result.tensors().forEach(p -> types.put(p.tensor().name(), p.type().name()));
            o.put("tensor_types", types);
            o.put("fallbacks", result.fallbacks());
            out.println(JsonMapper.builder().build().writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%s: %s, %.2f MiB -> %.2f MiB, %d tensors, %.1f s%n", output, fileType,
                    result.inputBytes() / 1048576.0, result.outputBytes() / 1048576.0, result.tensors().size(),
                    seconds);
        }
        out.flush();
        return 0;
    }
}
