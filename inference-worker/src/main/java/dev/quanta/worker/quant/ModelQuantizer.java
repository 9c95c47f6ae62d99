package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufKeys;
import dev.quanta.gguf.GgufMetadata;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.gguf.GgufValue;
import dev.quanta.gguf.GgufWriter;
import dev.quanta.kernels.quant.Dequantize;
import dev.quanta.kernels.quant.Quantize;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * Quantizes a GGUF model file as llama.cpp's {@code llama-quantize} does: the same per-tensor types
 * ({@link TensorTypeRules}), the same bytes per row ({@link Quantize}: ggml's quantizers, with the importance
 * matrix where one is given), tensors in llama.cpp's order, all metadata kept with {@code general.file_type} and
 * {@code general.quantization_version} set. Everything is checked before the first byte is written, and the file
 * is written to a temporary sibling and renamed ({@link GgufWriter}), so a failure leaves no output.
 */
public final class ModelQuantizer {

    /** ggml's GGML_QNT_VERSION. */
    static final int QUANTIZATION_VERSION = 2;
    /** Elements dequantized and quantized per step (rows are grouped up to this). */
    private static final long CHUNK_ELEMENTS = 1L << 22;

    /** One tensor's decision. */
    public record Planned(GgufTensorInfo tensor, GgmlType type, float[] importance) {

        boolean converts() {
            return type != tensor.type();
        }

        long outputBytes() {
            return type.byteSize(tensor.numElements());
        }
    }

    /** The result: per tensor its new type, and the sizes. */
    public record Result(List<Planned> tensors, long inputBytes, long outputBytes, List<String> fallbacks) {}

    private ModelQuantizer() {}

    /**
     * Decides every tensor's type and checks the whole job (types supported, requantization allowed, importance
     * rows fitting) without writing anything.
     */
    public static Result plan(GgufFile in, QuantizeOptions options) throws IOException {
        GgufMetadata md = in.metadata();
        String arch = md.findString(GgufKeys.GENERAL_ARCHITECTURE).orElse("llama");
        int nLayer = md.findInt(arch + "." + GgufKeys.BLOCK_COUNT).orElseThrow(
                () -> new IOException("not a model file: " + arch + ".block_count is missing"));
        int nHead = md.findInt(arch + "." + GgufKeys.ATTENTION_HEAD_COUNT).orElse(0);
        int nHeadKv = md.findInt(arch + "." + GgufKeys.ATTENTION_HEAD_COUNT_KV).orElse(nHead);
        int nExpert = md.findInt(arch + ".expert_count").orElse(0);
        var model = new TensorTypeRules.ModelInfo(arch, nLayer, nHead, nHeadKv, nExpert);

        List<GgufTensorInfo> ordered = new ArrayList<>(in.tensors());
        ordered.sort(Comparator.comparing(GgufTensorInfo::name, TensorTypeRules.ORDER));
        List<TensorTypeRules.TensorShape> shapes = ordered.stream()
                .map(t -> new TensorTypeRules.TensorShape(t.name(), t.nDims(), t.rowLength(), t.type())).toList();
        TensorTypeRules rules = new TensorTypeRules(model, options.fileType(), options.pure(), options.overrides(),
                options.imatrix() != null);
        List<GgmlType> types = rules.choose(shapes);

        List<Planned> planned = new ArrayList<>();
        long inBytes = 0;
        long outBytes = 0;
        for (int i = 0; i < ordered.size(); i++) {
            GgufTensorInfo t = ordered.get(i);
            GgmlType type = types.get(i);
            float[] importance = null;
            if (type != t.type()) {
                checkConvertible(t, type, options.allowRequantize());
                importance = importanceFor(t, type, options.imatrix());
            }
            Planned p = new Planned(t, type, importance);
            planned.add(p);
            inBytes += t.sizeBytes();
            outBytes += p.outputBytes();
        }
        return new Result(List.copyOf(planned), inBytes, outBytes, rules.fallbacks());
    }

    private static void checkConvertible(GgufTensorInfo t, GgmlType type, boolean allowRequantize) {
        if (TensorTypeRules.isQuantized(t.type()) && !allowRequantize) {
            throw new IllegalArgumentException("tensor " + t.name() + " is already " + t.type()
                    + ": requantizing is disabled (pass --allow-requantize)");
        }
        if (!t.type().isComputeSupported()) {
            throw new IllegalArgumentException("tensor " + t.name() + ": cannot read type " + t.type());
        }
        if (!Quantize.supports(type) || type == GgmlType.Q8_1 || type == GgmlType.Q8_K) {
            throw new IllegalArgumentException("tensor " + t.name() + ": cannot quantize to " + type);
        }
        if (t.rowLength() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("tensor " + t.name() + ": rows of " + t.rowLength() + " are too long");
        }
    }

    /** The importance row of {@code t}, as llama_model_quantize_impl looks it up and checks it. */
    private static float[] importanceFor(GgufTensorInfo t, GgmlType type, Imatrix imatrix) {
        if (imatrix == null) {
            return null;
        }
        float[] w = imatrix.weightsFor(t.name());
        if (w == null) {
            return null;
        }
        if (w.length != t.rowLength()) {
            if (t.name().equals("token_embd.weight")) {
                return null;
            }
            throw new IllegalArgumentException("imatrix size " + w.length + " is different from tensor size "
                    + t.rowLength() + " for " + t.name());
        }
        for (float v : w) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("imatrix contains a non-finite value for " + t.name());
            }
        }
        // NOTE: ggml's Q8_0, F16 and BF16 quantizers take no importance; ignoring it there is what llama.cpp does
        if (type == GgmlType.Q8_0 || !TensorTypeRules.isQuantized(type)) {
            return null;
        }
        if (!Quantize.supportsImportance(type)) {
            throw new IllegalArgumentException("importance-weighted quantization to " + type
                    + " is not implemented (tensor " + t.name() + "); quantize without --imatrix");
        }
        return w;
    }

    /**
     * Plans, checks and writes {@code options.output()}. Once the plan holds, {@code start} is called with it and
     * returns the consumer of the input bytes processed so far (null: no progress reports).
     *
     * @throws IllegalArgumentException for a job that cannot be done (nothing is written then)
     */
    public static Result quantize(QuantizeOptions options, java.util.function.Function<Result, LongConsumer> start)
            throws IOException {
        if (Files.exists(options.output())) {
            throw new IllegalArgumentException("output " + options.output() + " exists; not overwriting it");
        }
        try (GgufFile in = GgufFile.open(options.input());
                ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
                    Thread th = new Thread(r, "quantize");
                    th.setDaemon(true);
                    return th;
                })) {
            Result plan = plan(in, options);
            LongConsumer progress = start == null ? null : start.apply(plan);
            GgufWriter w = new GgufWriter().putAll(in.metadata());
            // as llama-quantize's gguf_set_val_u32: an existing key is removed and the new one appended, so both
            // end the metadata in this order whatever the input's order (a synth or converted F16 file has
            // general.file_type among its first keys)
            w.remove(GgufKeys.GENERAL_QUANTIZATION_VERSION)
                    .put(GgufKeys.GENERAL_QUANTIZATION_VERSION, GgufValue.uint32(QUANTIZATION_VERSION));
            w.remove(GgufKeys.GENERAL_FILE_TYPE)
                    .put(GgufKeys.GENERAL_FILE_TYPE, GgufValue.uint32(options.fileType().ftype()));
            if (options.imatrix() != null) {
                w.put("quantize.imatrix.entries_count", GgufValue.uint32(options.imatrix().entries().size()));
                w.put("quantize.imatrix.chunks_count", GgufValue.uint32(options.imatrix().chunkCount()));
                if (!options.imatrix().datasets().isEmpty()) {
                    w.put("quantize.imatrix.dataset", GgufValue.string(options.imatrix().datasets().get(0)));
                }
            }
            long[] done = {0};
            for (Planned p : plan.tensors()) {
                GgufTensorInfo t = p.tensor();
                MemorySegment data = in.tensorData(t);
                w.addTensor(t.name(), p.type(), t.shape(), out -> {
                    if (p.converts()) {
                        convert(p, data, out, pool, options.threads());
                    } else {
                        copy(data, out);
                    }
                    done[0] += t.sizeBytes();
                    if (progress != null) {
                        progress.accept(done[0]);
                    }
                });
            }
            w.write(options.output());
            return plan;
        }
    }

    private static void copy(MemorySegment data, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(data.byteSize(), 1 << 20)];
        for (long off = 0; off < data.byteSize(); off += chunk.length) {
            int n = (int) Math.min(chunk.length, data.byteSize() - off);
            MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, off, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /** Dequantizes and quantizes {@code p}'s rows a chunk at a time, the rows of a chunk split over the pool. */
    private static void convert(Planned p, MemorySegment data, OutputStream out, ExecutorService pool, int threads)
            throws IOException {
        GgufTensorInfo t = p.tensor();
        int cols = Math.toIntExact(t.rowLength());
        long rows = t.numRows();
        long inRow = t.rowSizeBytes();
        long outRow = p.type().byteSize(cols);
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, CHUNK_ELEMENTS / cols));
        byte[] buf = new byte[Math.toIntExact(outRow * rowsPerChunk)];
        MemorySegment dst = MemorySegment.ofArray(buf);
        for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - r0);
            long first = r0;
            int per = Math.max(1, (n + threads - 1) / threads);
            List<Future<?>> parts = new ArrayList<>();
            for (int s = 0; s < n; s += per) {
                int from = s;
                int to = Math.min(n, s + per);
                parts.add(pool.submit(() -> {
                    float[] row = new float[cols];
                    for (int r = from; r < to; r++) {
                        Dequantize.row(t.type(), data, (first + r) * inRow, row, 0, cols);
                        Quantize.row(p.type(), row, 0, dst, r * outRow, cols, p.importance());
                    }
                }));
            }
            for (Future<?> f : parts) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("quantizing " + t.name() + " failed: " + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            out.write(buf, 0, Math.toIntExact(outRow * n));
        }
    }
}
