package dev.quanta.planner.domain;

import java.util.List;

/** Real model shapes (the registry's seed) and a few GPUs from the inventory seed, for domain tests. */
final class Fixtures {

    private Fixtures() {}

    static final ModelShape LLAMA_7B = new ModelShape("llama-7b", "Llama-2-7B", 7, 14, 32, 4096, 32, 32, 128, 4096,
            32000);
    static final ModelShape LLAMA_13B = new ModelShape("llama-13b", "Llama-2-13B", 13, 26, 40, 5120, 40, 40, 128,
            4096, 32000);
    static final ModelShape LLAMA_70B = new ModelShape("llama-70b", "Llama-2-70B", 70, 140, 80, 8192, 64, 8, 128,
            4096, 32000);
    static final ModelShape QWEN_7B = new ModelShape("qwen-7b", "Qwen2.5-7B", 7, 14, 28, 3584, 28, 4, 128, 32768,
            152064);
    static final ModelShape QWEN_72B = new ModelShape("qwen-72b", "Qwen2.5-72B", 72, 144, 80, 8192, 64, 8, 128,
            32768, 152064);
    static final ModelShape LLAMA3_8B = new ModelShape("llama3-8b", "Llama-3-8B", 8, 16, 32, 4096, 32, 8, 128, 8192,
            128256);

    static final List<ModelShape> SEED_MODELS = List.of(LLAMA_7B, LLAMA_13B, LLAMA_70B, QWEN_7B, QWEN_72B);

    static GpuSpec gpu(String name, double memoryGb, double bandwidth, double tflops, Double fp8, Double int8,
            Double price, int available) {
        return new GpuSpec(name, HardwareKind.GPU, memoryGb, bandwidth, tflops, fp8, int8, price, available, null);
    }

    static final GpuSpec A100_80 = gpu("A100-80GB", 80, 2039, 312, null, 624.0, 1.8, 8);
    static final GpuSpec A100_40 = gpu("A100-40GB", 40, 1555, 312, null, 624.0, 1.2, 8);
    static final GpuSpec H100 = gpu("H100-80GB", 80, 3350, 989, 1979.0, 1979.0, 3.0, 8);
    static final GpuSpec L40S = gpu("L40S-48GB", 48, 864, 362, 733.0, 733.0, 1.0, 8);
    static final GpuSpec RTX4090 = gpu("RTX4090-24GB", 24, 1008, 165, 330.0, 661.0, 0.4, 4);
    static final GpuSpec T4 = gpu("T4-16GB", 16, 320, 65, null, 130.0, 0.35, 4);
    static final GpuSpec A10G = gpu("A10G", 24, 600, 70, null, null, null, 4);
    static final GpuSpec EPYC = new GpuSpec("CPU-EPYC-9654", HardwareKind.CPU, 768, 460, 7.4, null, null, 3.5, 2, 96);
}
