package dev.quanta.planner.domain;

/**
 * The quantization methods of the seed heuristic, with the bits it assigns each and the throughput
 * multiplier of its {@code estimate_throughput} table. Kept bit-for-bit: GGUF counts as 3 bits here.
 */
public enum HeuristicMethod {
    FP16(16, 1.0),
    INT8(8, 1.3),
    INT4_GPTQ(4, 1.5),
    INT4_AWQ(4, 1.8),
    GGUF(3, 0.8);

    private final int bits;
    private final double throughputMultiplier;

    HeuristicMethod(int bits, double throughputMultiplier) {
        this.bits = bits;
        this.throughputMultiplier = throughputMultiplier;
    }

    /** Bits per weight as the seed rule counts them. */
    public int bits() {
        return bits;
    }

    /** Factor applied to the GPU's base tokens/s. */
    public double throughputMultiplier() {
        return throughputMultiplier;
    }
}
