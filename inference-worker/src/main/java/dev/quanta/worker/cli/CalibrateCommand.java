package dev.quanta.worker.cli;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.kernels.bench.MatmulCalibration;
import dev.quanta.kernels.bench.MatmulCalibration.TypeRate;
import dev.quanta.kernels.bench.MemoryBandwidth;
import dev.quanta.worker.model.LayerProbe;
import dev.quanta.worker.sampling.Sampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code quanta calibrate [--planner URL --admin-token T] [--name cpu-x]}: measures this machine for the planner
 * and records it as a CPU node type ({@code PUT /gpus/{name}} with {@code kind: CPU} and a {@code calibration}).
 * Everything is measured on synthetic data through our own kernels; no model file is read:
 * <ul>
 *   <li>read bandwidth: {@link MemoryBandwidth} (as {@code bench --memory});</li>
 *   <li>per weight type, one-token and many-token matmul lines ({@link MatmulCalibration}); the Q8_0 many-token
 *       rate is the node's int8 throughput, the F16 one its float throughput;</li>
 *   <li>a block's non-matmul steps per token ({@link LayerProbe}) at two widths, as a line in (dim + FFN dim);</li>
 *   <li>the attention kernel over a causal prompt of {@code --prompt-tokens} tokens (operations per second), and
 *       the per-token logits copy and greedy pick (per vocabulary entry).</li>
 * </ul>
 * Without {@code --planner} the record is printed (JSON) and nothing is sent.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure this machine (bandwidth, per-type kernel rates) and record it in the planner as a "
                + "CPU node type.")
final class CalibrateCommand implements Callable<Integer> {

    /** The two block shapes of the layer probe: {dim, ffnDim, heads, kvHeads, headDim}. */
    private static final int[][] PROBE_SHAPES = {{512, 1536, 8, 2, 64}, {2048, 8192, 32, 8, 64}};
    private static final int PROBE_POSITIONS = 16;

    @Option(names = "--planner", paramLabel = "URL", description = "Planner base URL, e.g. http://127.0.0.1:8082; "
            + "absent: print the record only.")
    URI planner;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Planner admin token (default: $QUANTA_ADMIN_TOKEN).")
    String adminToken;

    @Option(names = "--name", paramLabel = "NAME", description = "Node type name (default: cpu-<threads>t-local).")
    String name;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Kernel threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--types", split = ",", paramLabel = "TYPE[,TYPE...]",
            description = "Weight types to calibrate (default: every type the engine multiplies with).")
    List<String> types;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds timed per matrix shape (default 0.25).")
    double seconds = 0.25;

    @Option(names = "--sweeps", paramLabel = "N",
            description = "Passes over every type; each shape keeps its median time (default 3).")
    int sweeps = 3;

    @Option(names = "--prompt-tokens", paramLabel = "N",
            description = "Tokens per many-token call (default 128, as bench -p 128).")
    int promptTokens = 128;

    @Option(names = "--memory-gib", paramLabel = "GIB", description = "Bandwidth buffer, GiB (default 1, at least 1).")
    double memoryGib = 1;

    @Option(names = "--available", paramLabel = "N", description = "Nodes of this type free to plan with (default 1).")
    int available = 1;

    @Option(names = {"-v", "--verbose"}, description = "Also print every timed shape.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || seconds <= 0 || promptTokens < 2 || available < 0 || memoryGib < 1 || sweeps < 1) {
            throw new IllegalArgumentException("need --threads >= 1, --seconds > 0, --prompt-tokens >= 2, "
                    + "--available >= 0, --memory-gib >= 1, --sweeps >= 1");
        }
        List<GgmlType> selected = selectedTypes();
        String nodeName = name != null ? name : "cpu-" + threads + "t-local";
        PrintWriter out = spec.commandLine().getOut();
        ObjectNode body;
        try (KernelOps ops = Kernels.create(KernelConfig.withThreads(threads))) {
            out.printf(Locale.ROOT, "calibrating %s with %s (synthetic data only)%n", nodeName, ops.description());
            out.flush();
            MemoryBandwidth.Result bw = MemoryBandwidth.measure(ops, (long) (memoryGib * (1L << 30)),
                    MemoryBandwidth.DEFAULT_PASSES);
            out.printf(Locale.ROOT, "read bandwidth: %.2f GB/s (best of %d, mean %.2f; %.2f GiB, %d threads)%n",
                    bw.bestGbPerSecond(), bw.passes(), bw.meanGbPerSecond(), bw.bytes() / (double) (1L << 30),
                    bw.threads());
            double[] probe = layerLine(ops);
            double perVocab = samplingSecondsPerVocabEntry();
            double attention = 0;
            // NOTE: every type is timed in each of --sweeps passes over all types, spread over minutes, and each
            // shape keeps its median time (MatmulCalibration.median says why not the fastest)
            MatmulCalibration.Options options = new MatmulCalibration.Options(seconds, promptTokens);
            List<List<List<MatmulCalibration.Point>>> sweepsByType = new ArrayList<>();
            selected.forEach(t -> sweepsByType.add(new ArrayList<>()));
            double shareSum = 0;
            int shareCount = 0;
            for (int sweep = 0; sweep < sweeps; sweep++) {
                for (int i = 0; i < selected.size(); i++) {
                    List<MatmulCalibration.Point> points = MatmulCalibration.time(ops, selected.get(i), options);
                    for (MatmulCalibration.Point p : points) {
                        shareSum += p.cpuShare();
                        shareCount++;
                    }
                    sweepsByType.get(i).add(points);
                }
                double[] again = layerLine(ops);
                if (again[0] + again[1] * 10_240 < probe[0] + probe[1] * 10_240) {
                    probe = again;
                }
                perVocab = Math.min(perVocab, samplingSecondsPerVocabEntry());
                attention = Math.max(attention, LayerProbe.attentionOpsPerSecond(ops, 8, 2, 64, promptTokens,
                        Math.max(0.2, seconds * 2)));
            }
            double cpuShare = shareSum / shareCount;
            out.printf(Locale.ROOT, "block steps other than matmuls: %.2f us + %.3f ns x (dim + ffn) per token%n",
                    probe[0] * 1e6, probe[1] * 1e9);
            out.printf(Locale.ROOT, "per token, logits row copy + greedy pick: %.3f ns x vocabulary%n", perVocab * 1e9);
            out.printf(Locale.ROOT, "prompt attention (%d tokens, causal, f16 cache): %.2f GOPS%n", promptTokens,
                    attention / 1e9);
            out.printf(Locale.ROOT, "matmuls: median of %d sweep(s); while timing them this process got %.0f%% of its "
                    + "%d threads' time on average (about 100%% when undisturbed)%n", sweeps, 100 * cpuShare, threads);
            out.printf(Locale.ROOT, "%-7s %12s %12s %12s %12s%n", "type", "call us", "decode GB/s", "pp call us",
                    "pp GOPS");
            List<TypeRate> rates = new ArrayList<>();
            for (int i = 0; i < selected.size(); i++) {
                GgmlType type = selected.get(i);
                TypeRate r = MatmulCalibration.fit(type, MatmulCalibration.median(sweepsByType.get(i)));
                rates.add(r);
                out.printf(Locale.ROOT, "%-7s %12.2f %12.2f %12.2f %12.1f%n", type, r.decodeCallSeconds() * 1e6,
                        r.decodeBytesPerSecond() / 1e9, r.promptCallSeconds() * 1e6, r.promptOpsPerSecond() / 1e9);
                if (verbose) {
                    for (int j = 0; j < r.points().size(); j++) {
                        MatmulCalibration.Point p = r.points().get(j);
                        long bytes = type.byteSize((long) p.rows() * p.cols());
                        StringBuilder each = new StringBuilder();
                        for (List<MatmulCalibration.Point> sweep : sweepsByType.get(i)) {
                            each.append(each.isEmpty() ? "" : ", ")
                                    .append(String.format(Locale.ROOT, "%.1f", sweep.get(j).seconds() * 1e6));
                        }
                        out.printf(Locale.ROOT, "        %5d x %-5d %3d token(s): %9.1f us = %6.2f GB/s, %7.1f GOPS"
                                + " (sweeps: %s us)%n", p.rows(), p.cols(), p.tokens(), p.seconds() * 1e6,
                                bytes / p.seconds() / 1e9, 2.0 * p.rows() * p.cols() * p.tokens() / p.seconds() / 1e9,
                                each);
                    }
                }
            }
            out.flush();
            body = record(ops, bw, probe, perVocab, attention, rates);
        }
        String json = JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(body);
        if (planner == null) {
            out.println(json);
            out.flush();
            return 0;
        }
        send(nodeName, json, out);
        return 0;
    }

    private List<GgmlType> selectedTypes() {
        if (types == null || types.isEmpty()) {
            return MatmulCalibration.TYPES;
        }
        List<GgmlType> list = new ArrayList<>();
        for (String t : types) {
            GgmlType type = MatmulCalibration.TYPES.stream().filter(x -> x.name().equalsIgnoreCase(t.strip()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown or unsupported type '" + t
                            + "' (use " + MatmulCalibration.TYPES + ")"));
            list.add(type);
        }
        return list;
    }

    /** {intercept s, slope s per element of (dim + ffn)} of the block probe at its two widths. */
    private double[] layerLine(KernelOps ops) {
        double[] x = new double[PROBE_SHAPES.length];
        double[] y = new double[PROBE_SHAPES.length];
        for (int i = 0; i < PROBE_SHAPES.length; i++) {
            int[] s = PROBE_SHAPES[i];
            x[i] = s[0] + s[1];
            y[i] = LayerProbe.secondsPerLayer(ops, new LayerProbe.Shape(s[0], s[1], s[2], s[3], s[4],
                    PROBE_POSITIONS), Math.max(0.2, seconds * 2));
        }
        return MatmulCalibration.fit(x, y);
    }

    /**
     * Seconds per vocabulary entry of what the step loop does with each token's logits row at temperature 0: copy
     * it off the forward pass's buffer and pick its argmax (best of five rounds over a 128K row).
     */
    private double samplingSecondsPerVocabEntry() {
        int vocab = 1 << 17;
        float[] raw = new float[vocab];
        SplittableRandom rnd = new SplittableRandom(5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment logits = arena.allocate(4L * vocab, 64);
            for (int i = 0; i < vocab; i++) {
                logits.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) rnd.nextDouble());
            }
            long sink = 0;
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 6; round++) { // the first round warms up the JIT
                long start = System.nanoTime();
                int n = 0;
                long elapsed;
                do {
                    MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, raw, 0, vocab);
                    sink += Sampler.argmax(raw);
                    n++;
                } while ((elapsed = System.nanoTime() - start) < 40_000_000L);
                if (round > 0) {
                    best = Math.min(best, elapsed / 1e9 / n / vocab);
                }
            }
            return sink == Long.MIN_VALUE ? 0 : best; // sink keeps the work alive
        }
    }

    private ObjectNode record(KernelOps ops, MemoryBandwidth.Result bw, double[] probe, double perVocab,
            double attention, List<TypeRate> rates) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode body = mapper.createObjectNode();
        body.put("kind", "CPU");
        body.put("memoryGb", round(totalMemoryBytes() / 1e9));
        body.put("bandwidthGbPerSecond", round(bw.bestGbPerSecond()));
        TypeRate f16 = rates.stream().filter(r -> r.type() == GgmlType.F16).findFirst().orElse(null);
        TypeRate q8 = rates.stream().filter(r -> r.type() == GgmlType.Q8_0).findFirst().orElse(null);
        TypeRate anyRate = f16 != null ? f16 : rates.getFirst();
        body.put("fp16Tflops", round(anyRate.promptOpsPerSecond() / 1e12));
        if (q8 != null) {
            body.put("int8Tops", round(q8.promptOpsPerSecond() / 1e12));
        }
        body.put("available", available);
        body.put("cores", threads);
        ObjectNode c = body.putObject("calibration");
        c.put("threads", ops.threads());
        c.put("kernels", ops.description());
        c.put("readGbPerSecond", round(bw.bestGbPerSecond()));
        c.put("layerSeconds", round(probe[0]));
        c.put("layerSecondsPerElement", round(probe[1]));
        c.put("tokenSecondsPerVocabEntry", round(perVocab));
        c.put("attentionGops", round(attention / 1e9));
        c.put("promptTokens", promptTokens);
        ArrayNode list = c.putArray("types");
        for (TypeRate r : rates) {
            ObjectNode t = list.addObject();
            t.put("type", r.type().name());
            t.put("decodeCallSeconds", round(r.decodeCallSeconds()));
            t.put("decodeGbPerSecond", round(r.decodeBytesPerSecond() / 1e9));
            t.put("promptCallSeconds", round(r.promptCallSeconds()));
            t.put("promptGops", round(r.promptOpsPerSecond() / 1e9));
        }
        return body;
    }

    private void send(String nodeName, String json, PrintWriter out) throws IOException, InterruptedException {
        String token = adminToken != null ? adminToken : System.getenv("QUANTA_ADMIN_TOKEN");
        URI uri = URI.create(planner.toString().replaceAll("/+$", "") + "/gpus/"
                + URLEncoder.encode(nodeName, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("planner answered " + response.statusCode() + " to PUT " + uri + ": "
                    + response.body().replaceAll("\\s+", " "));
        }
        out.printf("recorded %s in the planner (%s): %d%n", nodeName, uri, response.statusCode());
        out.flush();
    }

    /** MemTotal of /proc/meminfo, else the JVM's view of physical memory. */
    private static long totalMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize();
    }

    /** Six significant digits: enough for any of these figures, and readable JSON. */
    private static double round(double v) {
        return v == 0 || !Double.isFinite(v) ? v : Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
    }
}
