package dev.quanta.planner.domain;

/** KV-cache arithmetic. */
public final class KvCache {

    /** fp16/bf16 cache entries. */
    public static final int FP16_BYTES = 2;

    private KvCache() {}

    /** 2 (K and V) × layers × KV heads × head dim × bytes per element. */
    public static long bytesPerToken(int layers, int kvHeads, int headDim, int bytesPerElement) {
        return 2L * layers * kvHeads * headDim * bytesPerElement;
    }

    /**
     * Bytes per token held by one of {@code tensorParallel} GPUs: KV heads are split across GPUs, and
     * replicated when there are fewer KV heads than GPUs (each GPU then keeps one head).
     */
    public static long bytesPerTokenPerGpu(int layers, int kvHeads, int headDim, int bytesPerElement,
            int tensorParallel) {
        int headsPerGpu = Math.max(1, (kvHeads + tensorParallel - 1) / tensorParallel);
        return bytesPerToken(layers, headsPerGpu, headDim, bytesPerElement);
    }
}
