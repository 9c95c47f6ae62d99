package dev.quanta.worker.quant;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelOps;
import dev.quanta.worker.model.Batch;
import dev.quanta.worker.model.ForwardPass;
import dev.quanta.worker.model.KvCache;
import dev.quanta.worker.model.LlamaModel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs one context-sized chunk of tokens through the model from an empty cache, as llama-perplexity and
 * llama-imatrix do: the chunk's first token replaced by BOS (when the vocabulary adds one), positions 0..n-1,
 * logits kept for positions ≥ {@code firstLogit}. The cache is reused chunk after chunk (positions restart at 0,
 * so every entry a chunk reads it has written itself).
 */
final class ChunkEvaluator implements AutoCloseable {

    private final int ctx;
    private final int vocab;
    private final int bos;
    private final KvCache cache;
    private final ForwardPass pass;
    private final Batch batch;
    private final int[] blockTable;

    /**
     * @param ctx      tokens per chunk
     * @param bos      BOS id to put first, or -1 to keep the chunk's own first token
     * @param maxBatch tokens per forward pass (≤ ctx)
     */
    ChunkEvaluator(LlamaModel model, KernelOps ops, int ctx, int bos, int maxBatch) {
        this.ctx = ctx;
        this.vocab = model.config().vocabSize();
        this.bos = bos;
        int batchSize = Math.min(maxBatch, ctx);
        this.cache = new KvCache(model.config(), (ctx + KvCache.DEFAULT_BLOCK_SIZE - 1) / KvCache.DEFAULT_BLOCK_SIZE,
                KvCache.DEFAULT_BLOCK_SIZE, GgmlType.F16);
        this.pass = new ForwardPass(model, cache, ops, batchSize, batchSize);
        this.batch = new Batch(batchSize);
        this.blockTable = new int[cache.numBlocks()];
        for (int i = 0; i < blockTable.length; i++) {
            blockTable[i] = i;
        }
    }

    ForwardPass pass() {
        return pass;
    }

    /**
     * Evaluates {@code tokens[start .. start+ctx)}; returns the logits of positions firstLogit..ctx-1,
     * f32 [(ctx - firstLogit) * vocab] row-major.
     */
    float[] evaluate(int[] tokens, int start, int firstLogit) {
        float[] logits = new float[(ctx - firstLogit) * vocab];
        int row = 0;
        for (int b0 = 0; b0 < ctx; b0 += batch.capacity()) {
            int n = Math.min(batch.capacity(), ctx - b0);
            batch.clear();
            for (int k = 0; k < n; k++) {
                int pos = b0 + k;
                int token = pos == 0 && bos >= 0 ? bos : tokens[start + pos];
                batch.add(token, pos, blockTable, pos >= firstLogit);
            }
            MemorySegment out = pass.forward(batch);
            int rows = batch.numLogits();
            MemorySegment.copy(out, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, logits, row * vocab, rows * vocab);
            row += rows;
        }
        return logits;
    }

    @Override
    public void close() {
        pass.close();
        cache.close();
    }
}
