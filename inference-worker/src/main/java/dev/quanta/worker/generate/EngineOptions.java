package dev.quanta.worker.generate;

import dev.quanta.gguf.GgmlType;

/**
 * How the command line sets up the engine for one model.
 *
 * @param threads      kernel threads (the caller included), at least 1
 * @param contextSize  positions the KV cache holds; 0 = the model's training context, capped at {@link #DEFAULT_MAX_CONTEXT}
 * @param batchSize    most tokens in one forward pass (prompt chunks)
 * @param kvType       F16 (default, as llama.cpp) or F32
 * @param javaKernels  force the pure-Java reference kernels
 */
public record EngineOptions(int threads, int contextSize, int batchSize, GgmlType kvType, boolean javaKernels) {

    /** Context used when none is asked and the model's is larger (the KV cache would not fit otherwise). */
    public static final int DEFAULT_MAX_CONTEXT = 4096;

    public EngineOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (contextSize < 0) {
            throw new IllegalArgumentException("--ctx-size must be >= 0, got " + contextSize);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (kvType != GgmlType.F16 && kvType != GgmlType.F32) {
            throw new IllegalArgumentException("--kv-type must be f16 or f32, got " + kvType);
        }
    }

    public static EngineOptions defaults() {
        return new EngineOptions(Runtime.getRuntime().availableProcessors(), 0, 256, GgmlType.F16, false);
    }
}
