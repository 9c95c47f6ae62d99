package dev.quanta.worker.model;

import static dev.quanta.worker.model.GgmlMath.f32;

import dev.quanta.gguf.GgmlType;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.quant.Dequantize;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The Llama-family forward pass over a {@link Batch} of tokens from any number of sequences.
 *
 * <pre>
 * x = embed(tokens)                                        per token
 * for each layer:
 *   h = rmsnorm(x) * attn_norm
 *   q, k, v = Wq h (+bq), Wk h (+bk), Wv h (+bv)            one matmul per weight for the whole batch
 *   q, k = rmsnorm_per_head(q, k) * q_norm, k_norm          Qwen3 only
 *   q, k = rope(q, k, position)
 *   cache[layer][block(position)][slot(position)] = k, v    f16 by default
 *   a = attention(q, cache up to position)                  causal, GQA
 *   x = x + Wo a
 *   h = rmsnorm(x) * ffn_norm
 *   x = x + Wdown (silu(Wgate h) * Wup h)
 * logits = Wout (rmsnorm(x) * output_norm)                 only for tokens that want logits
 * </pre>
 *
 * All buffers are allocated once for {@code maxTokens} tokens; a pass allocates nothing. Matrix products go to
 * {@link KernelOps#matmul} (activations quantized as llama.cpp pairs them) and attention to
 * {@link KernelOps#attention} (llama.cpp's CPU flash attention, step for step), and the element-wise steps (RMSNorm,
 * RoPE, SwiGLU, residual adds) to the kernels too, in ggml's rounding; {@link GgmlMath} keeps the RoPE angles and
 * the f16 rounding of KV rows and float-weight inputs.
 *
 * <p>Not thread-safe: one caller (the step loop) at a time.
 */
public final class ForwardPass implements AutoCloseable {

    private final ModelConfig config;
    private final LlamaWeights weights;
    private final KvCache cache;
    private final KernelOps ops;
    private final int maxTokens;
    private final int maxLogitRows;
    private final float attentionScale;
    private final float ropeThetaScale;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment x;       // f32 [maxTokens][dim]     residual stream
    private final MemorySegment h;       // f32 [maxTokens][dim]     normalised input of a block
    private final MemorySegment q;       // f32 [maxTokens][qDim]    queries, then attention output's input
    private final MemorySegment k;       // f32 [maxTokens][kvDim]   keys of the batch
    private final MemorySegment v;       // f32 [maxTokens][kvDim]   values of the batch
    private final MemorySegment att;     // f32 [maxTokens][qDim]    attention output
    private final MemorySegment proj;    // f32 [maxTokens][dim]     Wo / Wdown output before the residual add
    private final MemorySegment gate;    // f32 [maxTokens][ffnDim]  Wgate h, then silu(gate) * up
    private final MemorySegment up;      // f32 [maxTokens][ffnDim]  Wup h
    private final MemorySegment rounded; // f32 [maxTokens][maxCols] matmul input rounded to f16/bf16 for such weights
    private final MemorySegment logits;  // f32 [maxLogitRows][vocab]
    private final GgmlMath math;         // f16 rounding of float-weight inputs and KV rows, with its row scratch
    private final float[] embedRow;      // [dim] one dequantized embedding row
    private final float[] angles;        // [maxTokens][ropeDim] RoPE (cos, sin) of each batch token's position
    private final MemorySegment cosSin;  // f32 [maxTokens][ropeDim] the same, for the kernels
    private final int[] logitRows;       // [maxTokens] batch indices of tokens wanting logits
    private final MemorySegment seqLens; // i32 [maxTokens] positions each token attends to (its position + 1)
    private final MemorySegment seqIndex; // i32 [maxTokens] each token's row of blockTables
    private final int[] seqUsed;         // [maxTokens] blocks of each sequence the batch reaches
    private MemorySegment blockTables;   // i32 [maxTokens][tableWidth] one block table per sequence, padded with 0
    private int tableWidth;              // blocks per row of blockTables; grown (rarely) for longer sequences
    private MatmulObserver matmulObserver; // null: none (the default)
    private final PackedMatrices packed; // matrices the kernels multiply faster re-laid (same results)

    /**
     * @param maxTokens    most tokens in one batch
     * @param maxLogitRows most tokens wanting logits in one batch (each row is vocabSize floats)
     */
    public ForwardPass(LlamaModel model, KvCache cache, KernelOps ops, int maxTokens, int maxLogitRows) {
        this.config = model.config();
        this.weights = model.weights();
        this.cache = cache;
        this.ops = ops;
        if (maxTokens <= 0 || maxLogitRows <= 0 || maxLogitRows > maxTokens) {
            throw new IllegalArgumentException("need 0 < maxLogitRows <= maxTokens, got " + maxLogitRows + ", "
                    + maxTokens);
        }
        if (cache.numKvHeads() != config.numKvHeads() || cache.headDim() != config.headDim()) {
            throw new IllegalArgumentException("KV cache shape does not match the model");
        }
        this.maxTokens = maxTokens;
        this.maxLogitRows = maxLogitRows;
        this.attentionScale = 1.0f / (float) Math.sqrt(config.headDim());
        this.ropeThetaScale = GgmlMath.ropeThetaScale(config.ropeTheta(), config.ropeDim());
        int dim = config.dim();
        int maxCols = Math.max(Math.max(dim, config.ffnDim()), config.qDim());
        this.x = f32Buffer((long) maxTokens * dim);
        this.h = f32Buffer((long) maxTokens * dim);
        this.q = f32Buffer((long) maxTokens * config.qDim());
        this.k = f32Buffer((long) maxTokens * config.kvDim());
        this.v = f32Buffer((long) maxTokens * config.kvDim());
        this.att = f32Buffer((long) maxTokens * config.qDim());
        this.proj = f32Buffer((long) maxTokens * dim);
        this.gate = f32Buffer((long) maxTokens * config.ffnDim());
        this.up = f32Buffer((long) maxTokens * config.ffnDim());
        this.rounded = f32Buffer((long) maxTokens * maxCols);
        this.logits = f32Buffer((long) maxLogitRows * config.vocabSize());
        this.math = new GgmlMath(Math.max(maxCols, config.kvDim()));
        this.embedRow = new float[dim];
        this.angles = new float[maxTokens * config.ropeDim()];
        this.cosSin = f32Buffer((long) maxTokens * config.ropeDim());
        this.logitRows = new int[maxTokens];
        this.seqLens = arena.allocate(4L * maxTokens, 64);
        this.seqIndex = arena.allocate(4L * maxTokens, 64);
        this.seqUsed = new int[maxTokens];
        this.tableWidth = 0;
        this.blockTables = MemorySegment.NULL;
        this.packed = PackedMatrices.pack(weights, ops, arena);
    }

    public ModelConfig config() {
        return config;
    }

    public KvCache cache() {
        return cache;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** Calls {@code observer} (null: none) with the input of every weight matmul from now on. */
    public void setMatmulObserver(MatmulObserver observer) {
        this.matmulObserver = observer;
    }

    /**
     * Runs the batch: writes its keys and values to the cache and returns the logits of the tokens that want
     * them, f32 [batch.numLogits()][vocabSize] in batch order. The segment is reused by the next call.
     */
    public MemorySegment forward(Batch batch) {
        int n = batch.size();
        if (n == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        if (n > maxTokens) {
            throw new IllegalArgumentException("batch of " + n + " tokens exceeds the pass's " + maxTokens);
        }
        if (batch.numLogits() > maxLogitRows) {
            throw new IllegalArgumentException(batch.numLogits() + " tokens want logits, at most " + maxLogitRows);
        }
        validate(batch);
        embed(batch);
        ropeAngles(batch);
        blockTables(batch);
        List<LayerWeights> layers = weights.layers();
        int rows = n; // tokens still computed; shrinks to the logit rows in the last layer
        for (int l = 0; l < layers.size(); l++) {
            rows = layer(l, layers.get(l), batch, l == layers.size() - 1);
        }
        return outputLogits(rows);
    }

    /** Token ids and positions; block ids are checked per sequence when the tables are built. */
    private void validate(Batch batch) {
        for (int t = 0; t < batch.size(); t++) {
            int token = batch.token(t);
            int pos = batch.position(t);
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of "
                        + config.vocabSize());
            }
            int[] table = batch.blockTable(t);
            if (pos < 0 || table == null || pos / cache.blockSize() >= table.length) {
                throw new IllegalArgumentException("position " + pos + " is not covered by its block table");
            }
        }
    }

    /** x[t] = token_embd[token t], dequantized. */
    private void embed(Batch batch) {
        WeightMatrix e = weights.tokenEmbedding();
        int dim = config.dim();
        for (int t = 0; t < batch.size(); t++) {
            Dequantize.row(e.type(), e.data(), batch.token(t) * e.rowBytes(), embedRow, 0, dim);
            MemorySegment.copy(embedRow, 0, x, GgmlMath.F32, (long) t * dim * 4, dim);
        }
    }

    /** cosSin[t] = the RoPE (cos, sin) pairs of token t's position, computed once for every layer. */
    private void ropeAngles(Batch batch) {
        for (int t = 0; t < batch.size(); t++) {
            GgmlMath.ropeCache(batch.position(t), config.ropeDim(), ropeThetaScale, config.ropeFreqScale(),
                    weights.ropeFreqFactors(), angles, t * config.ropeDim());
        }
        MemorySegment.copy(angles, 0, cosSin, GgmlMath.F32, 0, batch.size() * config.ropeDim());
    }

    /** One transformer block over {@code batch}; returns how many rows later steps compute. */
    private int layer(int l, LayerWeights w, Batch batch, boolean last) {
        int n = batch.size();
        int dim = config.dim();
        int headDim = config.headDim();
        Architecture arch = config.architecture();

        // attention block
        ops.rmsNorm(h, x, w.attnNorm(), dim, n, config.rmsEps());
        matmul(w.wq(), h, q, n);
        matmul(w.wk(), h, k, n);
        matmul(w.wv(), h, v, n);
        if (w.bq() != null) {
            for (int t = 0; t < n; t++) {
                GgmlMath.addVector(q, (long) t * config.qDim(), w.bq(), config.qDim());
                GgmlMath.addVector(k, (long) t * config.kvDim(), w.bk(), config.kvDim());
                GgmlMath.addVector(v, (long) t * config.kvDim(), w.bv(), config.kvDim());
            }
        }
        if (w.qNorm() != null) { // Qwen3: every head normalised on its own
            ops.rmsNorm(q, q, w.qNorm(), headDim, n * config.numHeads(), config.rmsEps());
            ops.rmsNorm(k, k, w.kNorm(), headDim, n * config.numKvHeads(), config.rmsEps());
        }
        ops.rope(q, cosSin, n, config.numHeads(), headDim, config.ropeDim(), arch.ropeNeox());
        ops.rope(k, cosSin, n, config.numKvHeads(), headDim, config.ropeDim(), arch.ropeNeox());
        for (int t = 0; t < n; t++) {
            if (batch.storesKv(t)) {
                storeKv(l, batch, t);
            }
        }
        attention(l, batch);
        matmul(w.wo(), att, proj, n);
        ops.add(x, proj, (long) n * dim);
        int rows = n;
        if (last) {
            // NOTE: as llama.cpp, the last block's FFN runs only for rows whose logits are wanted (after the
            // attention output projection, which runs for every row: its batch size picks its summation order)
            rows = compactToLogitRows(batch);
            if (rows == 0) {
                return 0; // a prompt chunk without its last token: only its K/V were needed
            }
        }

        // feed-forward block
        ops.rmsNorm(h, x, w.ffnNorm(), dim, rows, config.rmsEps());
        matmul(w.wGate(), h, gate, rows);
        matmul(w.wUp(), h, up, rows);
        ops.swiglu(gate, up, rows, config.ffnDim());
        matmul(w.wDown(), gate, proj, rows);
        ops.add(x, proj, (long) rows * dim);
        return rows;
    }

    /**
     * The attention kernel's view of the batch, built once per pass (every layer reads the same): one row of
     * blockTables per sequence (the blocks up to its last position in the batch), each token's sequence in seqIndex
     * and the positions it attends to in seqLens.
     */
    private void blockTables(Batch batch) {
        int n = batch.size();
        int seqs = batch.numSeqs();
        int width = 1;
        for (int t = 0; t < n; t++) {
            width = Math.max(width, batch.position(t) / cache.blockSize() + 1);
        }
        if (width > tableWidth) {
            // grown for a longer sequence than any before: geometric, so it happens a few times per pass lifetime
            tableWidth = Math.max(width, tableWidth * 2);
            blockTables = arena.allocate(4L * maxTokens * tableWidth, 64);
        }
        for (int t = 0; t < n; t++) {
            seqIndex.setAtIndex(ValueLayout.JAVA_INT, t, batch.seqIndex(t));
            seqLens.setAtIndex(ValueLayout.JAVA_INT, t, batch.position(t) + 1);
        }
        Arrays.fill(seqUsed, 0, seqs, 0);
        for (int t = 0; t < n; t++) {
            int s = batch.seqIndex(t);
            seqUsed[s] = Math.max(seqUsed[s], batch.position(t) / cache.blockSize() + 1);
        }
        int limit = cache.numBlocks();
        for (int s = 0; s < seqs; s++) {
            int[] table = batch.seqBlockTable(s);
            for (int b = 0; b < seqUsed[s]; b++) {
                if (table[b] < 0 || table[b] >= limit) {
                    throw new IllegalArgumentException("block id " + table[b] + " is outside the cache of " + limit);
                }
            }
            MemorySegment.copy(table, 0, blockTables, ValueLayout.JAVA_INT, 4L * s * tableWidth, seqUsed[s]);
        }
    }

    /** att = attention(q, cache) for every token and head, on the kernels (parallel over token and head). */
    private void attention(int layer, Batch batch) {
        ops.attention(att, q, batch.size(), config.numHeads(), config.numKvHeads(), config.headDim(),
                cache.keys(layer), cache.values(layer), cache.type(), cache.blockSize(), blockTables,
                batch.numSeqs(), tableWidth, seqIndex, seqLens, attentionScale);
    }

    /** Moves the rows of x of tokens wanting logits to the front, in batch order; returns their count. */
    private int compactToLogitRows(Batch batch) {
        int m = 0;
        for (int t = 0; t < batch.size(); t++) {
            if (batch.wantsLogits(t)) {
                logitRows[m++] = t;
            }
        }
        int dim = config.dim();
        for (int j = 0; j < m; j++) {
            int t = logitRows[j]; // t >= j, so rows move only towards the front
            if (t != j) {
                MemorySegment.copy(x, (long) t * dim * 4, x, (long) j * dim * 4, dim * 4L);
            }
        }
        return m;
    }

    /** Writes token t's rotated key and its value into the cache at its position. */
    private void storeKv(int layer, Batch batch, int t) {
        int pos = batch.position(t);
        int block = batch.blockTable(t)[pos / cache.blockSize()];
        int kvDim = config.kvDim();
        long dst = cache.offset(block, pos % cache.blockSize(), 0);
        MemorySegment keys = cache.keys(layer);
        MemorySegment values = cache.values(layer);
        if (cache.type() == GgmlType.F16) {
            long e = dst / 2;
            math.storeHalf(k, (long) t * kvDim, keys, e, kvDim);
            math.storeHalf(v, (long) t * kvDim, values, e, kvDim);
        } else {
            MemorySegment.copy(k, (long) t * kvDim * 4, keys, dst, kvDim * 4L);
            MemorySegment.copy(v, (long) t * kvDim * 4, values, dst, kvDim * 4L);
        }
    }

    /** logits[j] = Wout (rmsnorm(x[j]) * output_norm) for the first {@code rows} rows (the compacted ones). */
    private MemorySegment outputLogits(int rows) {
        int dim = config.dim();
        if (rows > 0) {
            ops.rmsNorm(h, x, weights.outputNorm(), dim, rows, config.rmsEps());
            matmul(weights.output(), h, logits, rows);
        }
        return logits.asSlice(0, (long) rows * config.vocabSize() * 4);
    }

    /**
     * out = W in for {@code rows} tokens. ggml multiplies F16 (BF16) weights with activations converted to F16
     * (BF16), so those inputs are rounded first; quantized weights get their activations quantized by the kernel.
     */
    private void matmul(WeightMatrix w, MemorySegment in, MemorySegment out, int rows) {
        if (matmulObserver != null) {
            matmulObserver.onMatmul(w, in, rows);
        }
        MemorySegment input = in;
        if (w.type() == GgmlType.F16 || w.type() == GgmlType.BF16) {
            math.roundTo(w.type() == GgmlType.BF16, in, rounded, (long) rows * w.cols());
            input = rounded;
        }
        PackedMatrices.Packed p = packed.get(w);
        if (p != null) {
            ops.matmulPacked(p.layout(), w.type(), p.data(), w.rows(), w.cols(), input, out, rows);
        } else {
            ops.matmul(w.type(), w.data(), w.rows(), w.cols(), input, out, rows);
        }
    }

    /** Bytes of weight matrices held re-laid for the kernels, in place of their mapped file pages. */
    public long packedBytes() {
        return packed.bytes();
    }

    private MemorySegment f32Buffer(long elements) {
        return arena.allocate(elements * 4, 64);
    }

    @Override
    public void close() {
        arena.close();
    }
}
