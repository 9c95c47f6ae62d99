package dev.quanta.worker.engine;

import dev.quanta.gguf.GgmlType;

/**
 * How the serving engine is set up ({@code bin/quanta serve} flags; the CLI's generate/bench use it too).
 *
 * @param threads          kernel threads (the caller included), at least 1
 * @param kvCacheGib       KV cache budget in GiB; 0 = {@link #DEFAULT_KV_FRACTION} of the memory available at start
 *                         (but never more than {@code maxSeqs} full-length sequences need)
 * @param kvType           KV element type: F16 (default, as llama.cpp) or F32
 * @param maxModelLen      positions one sequence may hold; 0 = the model's training context, capped at
 *                         {@link #DEFAULT_MAX_MODEL_LEN}
 * @param maxBatchedTokens token budget of one step (decode tokens first, then prompt chunks); default 512
 * @param maxSeqs          sequences running at once; default 64
 * @param maxWaiting       requests queued beyond the running ones before new ones are refused (429); default 256
 * @param blockSize        tokens per KV block; default 16
 * @param javaKernels      force the pure-Java reference kernels
 */
public record EngineConfig(int threads, double kvCacheGib, GgmlType kvType, int maxModelLen, int maxBatchedTokens,
                           int maxSeqs, int maxWaiting, int blockSize, boolean javaKernels) {

    public static final double DEFAULT_KV_FRACTION = 0.5;
    public static final int DEFAULT_MAX_MODEL_LEN = 4096;
    public static final int DEFAULT_MAX_BATCHED_TOKENS = 512;
    public static final int DEFAULT_MAX_SEQS = 64;
    public static final int DEFAULT_MAX_WAITING = 256;
    public static final int DEFAULT_BLOCK_SIZE = 16;

    public EngineConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (!(kvCacheGib >= 0) || Double.isInfinite(kvCacheGib)) {
            throw new IllegalArgumentException("--kv-cache-gib must be >= 0, got " + kvCacheGib);
        }
        if (kvType != GgmlType.F16 && kvType != GgmlType.F32) {
            throw new IllegalArgumentException("--kv-cache-dtype must be f16 or f32, got " + kvType);
        }
        if (maxModelLen < 0) {
            throw new IllegalArgumentException("--max-model-len must be >= 0, got " + maxModelLen);
        }
        if (maxBatchedTokens < 1) {
            throw new IllegalArgumentException("--max-batched-tokens must be at least 1, got " + maxBatchedTokens);
        }
        if (maxSeqs < 1) {
            throw new IllegalArgumentException("--max-seqs must be at least 1, got " + maxSeqs);
        }
        if (maxWaiting < 0) {
            throw new IllegalArgumentException("--max-waiting must be >= 0, got " + maxWaiting);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1, got " + blockSize);
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(Runtime.getRuntime().availableProcessors(), 0, GgmlType.F16, 0,
                DEFAULT_MAX_BATCHED_TOKENS, DEFAULT_MAX_SEQS, DEFAULT_MAX_WAITING, DEFAULT_BLOCK_SIZE, false);
    }

    public EngineConfig withThreads(int n) {
        return new EngineConfig(n, kvCacheGib, kvType, maxModelLen, maxBatchedTokens, maxSeqs, maxWaiting, blockSize,
                javaKernels);
    }
}
