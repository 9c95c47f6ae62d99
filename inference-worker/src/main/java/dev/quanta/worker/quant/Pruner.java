package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufTensorInfo;
import dev.quanta.gguf.GgufValue;
import dev.quanta.gguf.GgufWriter;
import dev.quanta.kernels.quant.Dequantize;
import dev.quanta.kernels.quant.Quantize;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * L1-magnitude unstructured pruning: in every linear weight of the transformer blocks ({@code blk.N.*.weight},
 * 2-D: attention Q/K/V/output, FFN gate/up/down) the {@code floor(amount · n)} entries of smallest |w| become 0
 * (ties broken by position, so the result is deterministic). Embeddings, the output head and norms are kept.
 * Tensors keep their type: F32/F16/BF16 exactly, a quantized matrix is dequantized, pruned and quantized again
 * with its type's reference quantizer. The file is written to a temporary sibling and renamed.
 */
public final class Pruner {

    private static final Pattern LINEAR = Pattern.compile("^blk\\.\\d+\\..*\\.weight$");

    /** Entries zeroed and entries considered over all pruned matrices. */
    public record Result(long zeroed, long total, int matrices) {}

    private Pruner() {}

    static boolean prunes(GgufTensorInfo t) {
        return t.nDims() == 2 && LINEAR.matcher(t.name()).matches() && !t.name().contains("_norm");
    }

    /**
     * @param amount fraction of each matrix to zero, in [0, 1)
     * @param progress receives the input bytes processed (null: none)
     */
    public static Result prune(Path input, Path output, double amount, LongConsumer progress) throws IOException {
        if (!(amount >= 0 && amount < 1)) {
            throw new IllegalArgumentException("--amount must be in [0, 1), got " + amount);
        }
        if (Files.exists(output)) {
            throw new IllegalArgumentException("output " + output + " exists; not overwriting it");
        }
        long[] zeroed = {0};
        long[] total = {0};
        int[] matrices = {0};
        try (GgufFile in = GgufFile.open(input)) {
            for (GgufTensorInfo t : in.tensors()) {
                if (prunes(t) && (!t.type().isComputeSupported() || !Quantize.supports(t.type()))) {
                    throw new IllegalArgumentException("cannot prune " + t.name() + " of type " + t.type());
                }
            }
            GgufWriter w = new GgufWriter().putAll(in.metadata());
            w.put("quanta.prune.amount", GgufValue.float32((float) amount));
            long[] done = {0};
            for (GgufTensorInfo t : in.tensors()) {
                MemorySegment data = in.tensorData(t);
                w.addTensor(t.name(), t.type(), t.shape(), out -> {
                    if (prunes(t)) {
                        byte[] pruned = pruneMatrix(t, data, amount, zeroed);
                        total[0] += t.numElements();
                        matrices[0]++;
                        out.write(pruned);
                    } else {
                        byte[] copy = new byte[Math.toIntExact(data.byteSize())];
                        MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, copy, 0, copy.length);
                        out.write(copy);
                    }
                    done[0] += t.sizeBytes();
                    if (progress != null) {
                        progress.accept(done[0]);
                    }
                });
            }
            w.write(output);
        }
        return new Result(zeroed[0], total[0], matrices[0]);
    }

    private static byte[] pruneMatrix(GgufTensorInfo t, MemorySegment data, double amount, long[] zeroed) {
        int n = Math.toIntExact(t.numElements());
        float[] v = Dequantize.row(t.type(), data, 0, n);
        int k = (int) Math.floor(amount * n);
        zeroed[0] += zeroSmallest(v, k);
        GgmlType type = t.type();
        byte[] out = new byte[Math.toIntExact(type.byteSize(n))];
        MemorySegment dst = MemorySegment.ofArray(out);
        int cols = Math.toIntExact(t.rowLength());
        long rowBytes = type.byteSize(cols);
        for (int r = 0; r < n / cols; r++) {
            Quantize.row(type, v, r * cols, dst, r * rowBytes, cols);
        }
        return out;
    }

    /** Sets the {@code k} entries of smallest magnitude (first positions first on ties) to 0; returns k. */
    static int zeroSmallest(float[] v, int k) {
        if (k <= 0) {
            return 0;
        }
        float[] mags = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            mags[i] = Math.abs(v[i]);
        }
        Arrays.sort(mags);
        float threshold = mags[k - 1];
        int below = 0;
        for (float m : mags) {
            if (m < threshold) {
                below++;
            } else {
                break;
            }
        }
        int atThreshold = k - below; // entries equal to the threshold still to zero, in position order
        for (int i = 0; i < v.length; i++) {
            float m = Math.abs(v[i]);
            if (m < threshold) {
                v[i] = 0f;
            } else if (m == threshold && atThreshold > 0) {
                v[i] = 0f;
                atThreshold--;
            }
        }
        return k;
    }
}
