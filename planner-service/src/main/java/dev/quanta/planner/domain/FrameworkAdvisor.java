package dev.quanta.planner.domain;

/**
 * The seed's serving-framework decision tree: under 7 B parameters → llama.cpp/Ollama class (our CPU
 * worker); 7–70 B → vLLM when throughput matters (more than one concurrent sequence), else TGI/Ollama;
 * over 70 B → multi-GPU tensor parallel with vLLM or TensorRT-LLM. CPU nodes always get the CPU worker.
 */
public final class FrameworkAdvisor {

    /** The choice and the branch of the tree that produced it. */
    public record Advice(String framework, String reason) {}

    private FrameworkAdvisor() {}

    public static Advice advise(double parametersBillions, int concurrency, HardwareKind kind) {
        if (kind == HardwareKind.CPU) {
            return new Advice("llama.cpp / Ollama class (Quanta CPU worker)", "CPU node: GGUF on the CPU worker");
        }
        if (parametersBillions < 7) {
            return new Advice("llama.cpp / Ollama class (Quanta CPU worker)",
                    parametersBillions + " B < 7 B: small enough for the llama.cpp class");
        }
        if (parametersBillions <= 70) {
            return concurrency > 1
                    ? new Advice("vLLM", "7–70 B with " + concurrency + " concurrent sequences: throughput matters")
                    : new Advice("TGI / Ollama", "7–70 B at concurrency 1: throughput does not dominate");
        }
        return new Advice("vLLM or TensorRT-LLM (multi-GPU tensor parallel)",
                parametersBillions + " B > 70 B: tensor parallel across GPUs");
    }
}
