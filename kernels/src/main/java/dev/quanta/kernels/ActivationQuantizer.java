package dev.quanta.kernels;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Quantizes a matmul's f32 activations to the weight type's activation format with the C quantizers, into scratch
 * it owns (grown when a larger batch arrives, never per call). Decode-sized batches run on the caller; batches of
 * at least two tokens per thread are split over the pool by claimed token ranges.
 */
final class ActivationQuantizer implements AutoCloseable {

    private final WorkerPool pool;
    private final int level;
    private Arena arena = Arena.ofShared();
    private MemorySegment scratch = MemorySegment.NULL; // [numTokens][actType.byteSize(cols)]

    // The current parallel call (written by the caller before pool.run).
    private final AtomicInteger nextChunk = new AtomicInteger();
    private int type;
    private long xAddress; // f32 [tokens][cols]
    private long yAddress; // [tokens][rowBytes]
    private long cols;
    private long rowBytes;
    private int tokens;
    private int chunk; // tokens per claim
    private final ParallelTask task = this::share;

    ActivationQuantizer(WorkerPool pool, int level) {
        this.pool = pool;
        this.level = level;
    }

    /**
     * Quantizes {@code x} (f32 {@code [numTokens][cols]}) to {@code actType}; returns {@code x} itself for F32.
     * The returned scratch stays valid until the next call.
     */
    MemorySegment quantize(GgmlType actType, MemorySegment x, int cols, int numTokens) {
        if (actType == GgmlType.F32) {
            return x;
        }
        long bytes = actType.byteSize(cols) * numTokens;
        if (scratch.byteSize() < bytes) {
            Arena fresh = Arena.ofShared();
            MemorySegment grown = fresh.allocate(Math.max(bytes, scratch.byteSize() * 2), 64);
            arena.close();
            arena = fresh;
            scratch = grown;
        }
        if (numTokens >= 2 * pool.size() && pool.size() > 1) {
            // prefill: tokens split over the pool (Q8_K rounding would otherwise take a few % of the matmul)
            type = actType.id();
            xAddress = x.address();
            yAddress = scratch.address();
            this.cols = cols;
            rowBytes = actType.byteSize(cols);
            tokens = numTokens;
            chunk = Math.max(1, numTokens / (pool.size() * 4));
            nextChunk.set(0);
            pool.run(task);
            return scratch;
        }
        int rc;
        try {
            rc = (int) NativeLibrary.QUANTIZE_ROWS.invokeExact(level, actType.id(), x, scratch, (long) cols,
                    (long) numTokens);
        } catch (Throwable e) {
            throw new IllegalStateException("llmk_quantize_rows failed", e);
        }
        if (rc != 0) {
            throw new IllegalStateException("llmk_quantize_rows rejected " + actType);
        }
        return scratch;
    }

    private void share(int worker, int numWorkers) {
        while (true) {
            int t0 = nextChunk.getAndIncrement() * chunk;
            if (t0 >= tokens) {
                return;
            }
            int t1 = Math.min(tokens, t0 + chunk);
            int rc;
            try {
                rc = (int) NativeLibrary.QUANTIZE_ROWS_RAW.invokeExact(level, type, xAddress + 4L * cols * t0,
                        yAddress + rowBytes * t0, cols, (long) (t1 - t0));
            } catch (Throwable e) {
                throw new IllegalStateException("llmk_quantize_rows failed", e);
            }
            if (rc != 0) {
                throw new IllegalStateException("llmk_quantize_rows rejected type " + type);
            }
        }
    }

    @Override
    public void close() {
        arena.close();
        scratch = MemorySegment.NULL;
    }
}
