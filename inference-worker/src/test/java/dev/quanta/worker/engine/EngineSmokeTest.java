package dev.quanta.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.model.GoldenFiles;
import dev.quanta.worker.sampling.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineSmokeTest {

    @Test
    void greedyThroughTheStepLoopReproducesLlamaCpp() throws Exception {
        List<GoldenFiles.Case> cases = GoldenFiles.cases("stories260K-Q8_0");
        EngineConfig config = EngineConfig.defaults().withThreads(2);
        try (LlmEngine engine = LlmEngine.open(GoldenFiles.model("stories260K-Q8_0"), config)) {
            for (GoldenFiles.Case c : cases) {
                EngineRequest r = new EngineRequest("t", c.promptTokens(), SamplingParams.greedy(),
                        new StopConditions(64, 0, List.of(), List.of(), true), 1, 5, false, null);
                Collected out = Collected.run(engine, r);
                assertThat(out.tokens(0)).as(c.prompt()).containsExactly(c.tokens());
            }
        }
    }
}
