package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufFormatException;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.gguf.GgufWriter;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's GGUF importance-matrix file ({@code llama-imatrix} since 2025):
 * <pre>
 * general.type          = "imatrix"
 * imatrix.datasets      = [string]   calibration text names
 * imatrix.chunk_count   = u32        chunks processed
 * imatrix.chunk_size    = u32        tokens per chunk
 * &lt;weight&gt;.in_sum2     F32 [cols, 1]   Σ over tokens of each input column's squared activation
 * &lt;weight&gt;.counts      F32 [1, 1]      tokens summed
 * </pre>
 * Only dense entries (one matrix each) are read and written; the legacy {@code .dat} format is not read.
 */
public final class ImatrixFile {

    static final String SUM_SUFFIX = ".in_sum2";
    static final String COUNT_SUFFIX = ".counts";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ImatrixFile() {}

    public static void write(Imatrix im, Path path) throws IOException {
        GgufWriter w = new GgufWriter().putString("general.type", "imatrix")
                .putStrings("imatrix.datasets", im.datasets())
                .putUInt32("imatrix.chunk_count", im.chunkCount())
                .putUInt32("imatrix.chunk_size", im.chunkSize());
        List<String> names = new ArrayList<>(im.entries().keySet());
        names.sort(TensorTypeRules.ORDER);
        for (String name : names) {
            Imatrix.Entry e = im.entries().get(name);
            w.addTensor(name + SUM_SUFFIX, GgmlType.F32, new long[] {e.inSum2().length, 1}, floats(e.inSum2()));
            w.addTensor(name + COUNT_SUFFIX, GgmlType.F32, new long[] {1, 1}, floats(new float[] {e.count()}));
        }
        w.write(path);
    }

    private static byte[] floats(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /**
     * Reads an imatrix GGUF.
     *
     * @throws IOException for a file that is not one (no {@code general.type = imatrix}, unpaired or non-F32
     *                     tensors, entries of several matrices)
     */
    public static Imatrix read(Path path) throws IOException {
        try (GgufFile f = GgufFile.open(path)) {
            String type = f.metadata().findString("general.type").orElse("");
            if (!type.equals("imatrix")) {
                throw new IOException(path + " is not an imatrix GGUF (general.type is '" + type + "')");
            }
            List<String> datasets = f.metadata().contains("imatrix.datasets")
                    ? f.metadata().getStringArray("imatrix.datasets") : List.of();
            int chunkCount = f.metadata().findInt("imatrix.chunk_count").orElse(0);
            int chunkSize = f.metadata().findInt("imatrix.chunk_size").orElse(0);
            Map<String, float[]> sums = new LinkedHashMap<>();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (GgufTensorInfo t : f.tensors()) {
                if (t.type() != GgmlType.F32) {
                    throw new IOException(path + ": imatrix tensor " + t.name() + " is " + t.type() + ", not F32");
                }
                float[] v = new float[Math.toIntExact(t.numElements())];
                MemorySegment.copy(f.tensorData(t), F32, 0, v, 0, v.length);
                if (t.name().endsWith(SUM_SUFFIX)) {
                    String name = t.name().substring(0, t.name().length() - SUM_SUFFIX.length());
                    if (t.numRows() != 1) {
                        throw new IOException(path + ": " + name + " holds " + t.numRows()
                                + " matrices (mixture-of-experts imatrix files are not supported)");
                    }
                    sums.put(name, v);
                } else if (t.name().endsWith(COUNT_SUFFIX)) {
                    counts.put(t.name().substring(0, t.name().length() - COUNT_SUFFIX.length()), (long) v[0]);
                }
            }
            Map<String, Imatrix.Entry> entries = new LinkedHashMap<>();
            for (var e : sums.entrySet()) {
                Long c = counts.get(e.getKey());
                if (c == null) {
                    throw new IOException(path + ": mismatched sums and counts for " + e.getKey());
                }
                entries.put(e.getKey(), new Imatrix.Entry(e.getValue(), c));
            }
            return new Imatrix(entries, datasets, chunkCount, chunkSize);
        } catch (GgufFormatException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }
}
