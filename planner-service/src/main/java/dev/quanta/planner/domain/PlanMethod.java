package dev.quanta.planner.domain;

/**
 * The methods the full planner weighs, with effective bits per weight including scales and zero points.
 *
 * <p>Bits per weight: Q8_0 is 34 bytes per 32 weights = 8.5; Q6_K 210 bytes per 256 = 6.5625; the
 * K-quant mixes (_M) keep some tensors at higher precision, so their whole-model average is above the
 * base type (llama.cpp's own size figures: Q5_K_M ≈ 5.7, Q4_K_M ≈ 4.85, Q3_K_M ≈ 3.9, Q2_K ≈ 3.0).
 * GPTQ/AWQ 4-bit with groups of 128: 4 bits + an fp16 scale and a packed zero per group, plus fp16
 * embeddings and head ≈ 4.25. FP8 and INT8 carry per-channel scales (≈ 0 overhead).
 */
public enum PlanMethod {
    FP16("FP16", 16.0, ComputeType.FP16, false),
    FP8("FP8 (E4M3, W8A8)", 8.0, ComputeType.FP8, false),
    INT8("INT8 (W8A8)", 8.0, ComputeType.INT8, false),
    INT4_GPTQ("INT4 GPTQ g128", 4.25, ComputeType.FP16, false),
    INT4_AWQ("INT4 AWQ g128", 4.25, ComputeType.FP16, false),
    Q8_0("GGUF Q8_0", 8.5, ComputeType.INT8, true),
    Q6_K("GGUF Q6_K", 6.5625, ComputeType.INT8, true),
    Q5_K_M("GGUF Q5_K_M", 5.7, ComputeType.INT8, true),
    Q4_K_M("GGUF Q4_K_M", 4.85, ComputeType.INT8, true),
    Q3_K_M("GGUF Q3_K_M", 3.9, ComputeType.INT8, true),
    Q2_K("GGUF Q2_K", 3.0, ComputeType.INT8, true);

    private final String label;
    private final double bitsPerWeight;
    private final ComputeType compute;
    private final boolean gguf;

    PlanMethod(String label, double bitsPerWeight, ComputeType compute, boolean gguf) {
        this.label = label;
        this.bitsPerWeight = bitsPerWeight;
        this.compute = compute;
        this.gguf = gguf;
    }

    public String label() {
        return label;
    }

    /** Effective bits per weight including scales/zero points. */
    public double bitsPerWeight() {
        return bitsPerWeight;
    }

    /** The math the method's matmuls use (GGUF: llama.cpp's quantized-activation INT8 dot products). */
    public ComputeType compute() {
        return compute;
    }

    public boolean gguf() {
        return gguf;
    }

    /** Whether the method can run on this hardware: CPU nodes take GGUF only; FP8 needs FP8 math. */
    public boolean runsOn(GpuSpec hardware) {
        if (hardware.kind() == HardwareKind.CPU) {
            return gguf;
        }
        return this != FP8 || hardware.supportsFp8();
    }
}
