package dev.quanta.worker.quant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An importance matrix: per weight matrix, the sum over calibration tokens of each input column's squared
 * activation ({@code inSum2}, [cols]) and the number of tokens summed ({@code count}); llama.cpp's GGUF imatrix
 * entries {@code <name>.in_sum2} and {@code <name>.counts} for a dense model (one matrix per entry).
 *
 * @param entries    by weight tensor name
 * @param datasets   names of the calibration texts
 * @param chunkCount chunks of {@code chunkSize} tokens processed
 * @param chunkSize  tokens per chunk (the context)
 */
public record Imatrix(Map<String, Entry> entries, List<String> datasets, int chunkCount, int chunkSize) {

    /** One weight matrix's sums ([cols]) and token count. */
    public record Entry(float[] inSum2, long count) {}

    public Imatrix {
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        datasets = List.copyOf(datasets);
    }

    /**
     * The per-column weights llama-quantize hands the quantizers ({@code load_imatrix}): sum / count, or 1 for
     * every column of a matrix never seen; null when {@code tensor} has no entry.
     */
    public float[] weightsFor(String tensor) {
        Entry e = entries.get(tensor);
        if (e == null) {
            return null;
        }
        float[] w = new float[e.inSum2().length];
        float count = (float) e.count();
        for (int i = 0; i < w.length; i++) {
            w[i] = count > 0f ? e.inSum2()[i] / count : 1f;
        }
        return w;
    }
}
