package dev.quanta.planner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameworkAdvisorTest {

    @ParameterizedTest(name = "{0} B, concurrency {1}, {2} → {3}")
    @CsvSource({
        "0.5,  1, GPU, llama.cpp / Ollama class (Quanta CPU worker)",
        "6.9, 16, GPU, llama.cpp / Ollama class (Quanta CPU worker)",
        "7,    1, GPU, TGI / Ollama",
        "7,    2, GPU, vLLM",
        "70,   8, GPU, vLLM",
        "70,   1, GPU, TGI / Ollama",
        "72,   1, GPU, vLLM or TensorRT-LLM (multi-GPU tensor parallel)",
        "405, 64, GPU, vLLM or TensorRT-LLM (multi-GPU tensor parallel)",
        "70,   8, CPU, llama.cpp / Ollama class (Quanta CPU worker)",
    })
    void followsTheSeedsDecisionTree(double params, int concurrency, HardwareKind kind, String framework) {
        assertThat(FrameworkAdvisor.advise(params, concurrency, kind).framework()).isEqualTo(framework);
    }
}
