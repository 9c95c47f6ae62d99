package dev.quanta.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufHeader;
import dev.quanta.gguf.GgufSummary;
import dev.quanta.worker.model.GoldenFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench --memory}, the memory figures {@code bench} reports, and {@code calibrate} without a planner (it
 * prints the record it would send). Speeds are only checked to be measured (positive), never bounded.
 */
class CalibrateAndMemoryBenchTest {

    @Test
    void benchReportsTheTensorBytesItMapsTheKvItAllocatesAndItsBestRepetition() throws Exception {
        Path model = GoldenFiles.model("stories260K-Q8_0");
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model", model.toString(), "-p", "8", "-n",
                "4", "-r", "2", "-t", "1", "-c", "100", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        GgufHeader header = GgufFile.readHeader(model);
        GgufSummary s = GgufSummary.of(header);
        assertThat(o.get("weights_bytes").asLong()).isEqualTo(Files.size(model) - header.dataOffset());
        // the best repetition is never slower than the mean
        assertThat(o.get("pp_best_tok_s").asDouble()).isGreaterThanOrEqualTo(o.get("pp_tok_s").asDouble());
        assertThat(o.get("tg_best_tok_s").asDouble()).isGreaterThanOrEqualTo(o.get("tg_tok_s").asDouble());
        // 100 tokens in 16-token blocks: 112 slots of f16 K and V in every layer
        assertThat(o.get("kv_tokens").asLong()).isEqualTo(112);
        assertThat(o.get("kv_bytes").asLong()).isEqualTo(112L * 2 * s.blockCount().getAsLong()
                * s.headCountKv().getAsLong() * s.headDim().getAsLong() * 2);
    }

    @Test
    void benchMemoryMeasuresAReadBandwidthOverAtLeastOneGib() throws Exception {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--memory", "-t", "1", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode o = JsonMapper.builder().build().readTree(r.out());
        assertThat(o.get("read_gb_s").asDouble()).isPositive();
        assertThat(o.get("read_gb_s").asDouble()).isGreaterThanOrEqualTo(o.get("mean_gb_s").asDouble());
        assertThat(o.get("bytes").asLong()).isGreaterThanOrEqualTo(1L << 30);
        assertThat(o.get("passes").asInt()).isEqualTo(5);
        assertThat(o.get("threads").asInt()).isEqualTo(1);
    }

    @Test
    void benchMemoryRefusesABufferUnderOneGib() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--memory", "--memory-gib", "0.5");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("at least 1").doesNotContain("\n");
    }

    @Test
    void calibrateWithoutAPlannerPrintsTheCpuNodeRecordItWouldSend() throws Exception {
        GenerateCommandTest.Run r = GenerateCommandTest.run("calibrate", "--types", "Q4_0,Q4_K", "--seconds", "0.02",
                "--sweeps", "2", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        String out = r.out();
        JsonNode o = JsonMapper.builder().build().readTree(out.substring(out.indexOf("\n{") + 1));
        assertThat(o.get("kind").asString()).isEqualTo("CPU");
        assertThat(o.get("cores").asInt()).isEqualTo(1);
        JsonNode c = o.get("calibration");
        assertThat(c.get("readGbPerSecond").asDouble()).isPositive().isEqualTo(o.get("bandwidthGbPerSecond")
                .asDouble());
        assertThat(c.get("promptTokens").asInt()).isEqualTo(128);
        assertThat(c.get("attentionGops").asDouble()).isPositive();
        assertThat(c.get("tokenSecondsPerVocabEntry").asDouble()).isPositive();
        assertThat(c.get("layerSeconds").asDouble() + c.get("layerSecondsPerElement").asDouble()).isPositive();
        // Q4_K: where the kernels pack it, its packed layout is larger than the file's (KernelOps.packedBytes)
        assertThat(c.get("types").size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            JsonNode type = c.get("types").get(i);
            assertThat(type.get("type").asString()).isEqualTo(i == 0 ? "Q4_0" : "Q4_K");
            assertThat(type.get("decodeGbPerSecond").asDouble()).isPositive();
            assertThat(type.get("promptGops").asDouble()).isPositive();
            assertThat(type.get("decodeCallSeconds").asDouble()).isNotNegative();
        }
    }

    @Test
    void calibrateRefusesATypeTheEngineDoesNotMultiplyWith() {
        GenerateCommandTest.Run r = GenerateCommandTest.run("calibrate", "--types", "Q9_9");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("Q9_9").doesNotContain("\n");
    }
}
