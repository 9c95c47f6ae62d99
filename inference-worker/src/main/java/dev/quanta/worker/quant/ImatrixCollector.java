package dev.quanta.worker.quant;

import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.model.MatmulObserver;
import dev.quanta.worker.model.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Collects an importance matrix as {@code llama-imatrix} does: the calibration tokens are cut into chunks of
 * {@code ctx} (BOS first, all logits wanted so every layer sees every token), and for every matrix product of a
 * {@code blk.*} weight (not {@code output.weight}, as llama-imatrix by default) with a batch of at least 16
 * tokens, each input column's squared activation is added to that weight's f32 sums and the batch's tokens to its
 * count.
 */
public final class ImatrixCollector implements MatmulObserver {

    /** llama-imatrix ignores products with fewer input rows than this. */
    public static final int MIN_ROWS = 16;

    private final Map<String, float[]> sums = new LinkedHashMap<>();
    private final Map<String, long[]> counts = new LinkedHashMap<>();

    @Override
    public void onMatmul(WeightMatrix weight, MemorySegment input, int rows) {
        if (rows < MIN_ROWS || !weight.name().startsWith("blk.")) {
            return;
        }
        int cols = weight.cols();
        float[] acc = sums.computeIfAbsent(weight.name(), k -> new float[cols]);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            for (int j = 0; j < cols; j++) {
                float x = input.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + j);
                acc[j] += x * x;
            }
        }
        counts.computeIfAbsent(weight.name(), k -> new long[1])[0] += rows;
    }

    /** The sums so far. */
    public Imatrix result(List<String> datasets, int chunkCount, int chunkSize) {
        Map<String, Imatrix.Entry> entries = new LinkedHashMap<>();
        sums.forEach((name, s) -> entries.put(name, new Imatrix.Entry(s.clone(), counts.get(name)[0])));
        return new Imatrix(entries, datasets, chunkCount, chunkSize);
    }

    /**
     * Runs the calibration tokens through {@code model} and returns the importance matrix.
     *
     * @param bos      BOS id to put first in each chunk, or -1
     * @param progress receives the chunks done (null: none)
     * @throws IllegalArgumentException for a text shorter than two contexts (llama-imatrix's minimum)
     */
    public static Imatrix collect(LlamaModel model, KernelOps ops, int[] tokens, int bos, int ctx, int maxChunks,
            int maxBatch, String dataset, IntConsumer progress) {
        if (ctx < MIN_ROWS) {
            throw new IllegalArgumentException("--ctx must be at least " + MIN_ROWS + ", got " + ctx);
        }
        if (tokens.length < 2 * ctx) {
            throw new IllegalArgumentException("the text is too short: it tokenizes to " + tokens.length
                    + " tokens, and a context of " + ctx + " needs at least " + 2 * ctx);
        }
        int chunks = tokens.length / ctx;
        if (maxChunks > 0) {
            chunks = Math.min(chunks, maxChunks);
        }
        ImatrixCollector collector = new ImatrixCollector();
        try (ChunkEvaluator eval = new ChunkEvaluator(model, ops, ctx, bos, maxBatch)) {
            eval.pass().setMatmulObserver(collector);
            for (int c = 0; c < chunks; c++) {
                eval.evaluate(tokens, c * ctx, 0);
                if (progress != null) {
                    progress.accept(c + 1);
                }
            }
        }
        return collector.result(List.of(dataset), chunks, ctx);
    }
}
