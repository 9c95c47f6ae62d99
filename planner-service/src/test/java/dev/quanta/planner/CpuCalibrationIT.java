package dev.quanta.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quanta.planner.domain.CpuCalibration;
import dev.quanta.planner.domain.CpuWorkerModel;
import dev.quanta.planner.domain.GgufTensor;
import dev.quanta.planner.domain.ModelShape;
import dev.quanta.planner.system.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The calibrate → planner write → plan read path on the real planner (real PostgreSQL): the worker's exec jar runs
 * {@code quanta calibrate --planner ...} against this planner, the CPU node type it writes is read back, and a plan
 * of a GGUF tensor table on it carries the CPU worker prediction the domain formula gives for the stored figures.
 * Also: who may write a calibrated type, and what a calibration may be attached to.
 */
class CpuCalibrationIT extends PlannerITSupport {

    /** A calibration body as quanta calibrate sends it. */
    private static final String CALIBRATED = """
            {"kind":"CPU","memoryGb":24,"bandwidthGbPerSecond":25,"fp16Tflops":0.1,"int8Tops":0.15,"available":1,
             "cores":2,"calibration":{"threads":2,"kernels":"test","readGbPerSecond":25,"layerSeconds":1e-5,
             "layerSecondsPerElement":3e-9,"tokenSecondsPerVocabEntry":1e-9,"attentionGops":50,
             "promptTokens":128,"types":[{"type":"Q4_0","decodeCallSeconds":2e-5,
             "decodeGbPerSecond":30,"promptCallSeconds":1e-4,"promptGops":400}]}}""";

    /** 2 layers of width 256 (FFN 512, 4 heads of 64, 2 KV heads), Q4_0 matrices, Q4_0 tied embedding. */
    private static String adHocPlan(String node) {
        List<String> t = new ArrayList<>();
        t.add(tensor("token_embd.weight", "Q4_0", 256, 1000));
        for (int l = 0; l < 2; l++) {
            String b = "blk." + l + ".";
            t.add(tensor(b + "attn_norm.weight", "F32", 256, 1));
            t.add(tensor(b + "attn_q.weight", "Q4_0", 256, 256));
            t.add(tensor(b + "attn_k.weight", "Q4_0", 256, 128));
            t.add(tensor(b + "attn_v.weight", "Q4_0", 256, 128));
            t.add(tensor(b + "attn_output.weight", "Q4_0", 256, 256));
            t.add(tensor(b + "ffn_norm.weight", "F32", 256, 1));
            t.add(tensor(b + "ffn_gate.weight", "Q4_0", 256, 512));
            t.add(tensor(b + "ffn_up.weight", "Q4_0", 256, 512));
            t.add(tensor(b + "ffn_down.weight", "Q4_0", 512, 256));
        }
        t.add(tensor("output_norm.weight", "F32", 256, 1));
        return "{\"model\":{\"key\":\"tiny-it\",\"parametersBillions\":0.0016,\"layers\":2,\"hiddenSize\":256,"
                + "\"attentionHeads\":4,\"kvHeads\":2,\"headDim\":64,\"contextLength\":2048,\"vocabSize\":1000,"
                + "\"tensors\":[" + String.join(",", t) + "]},\"gpu\":\"" + node + "\",\"promptTokens\":128,"
                + "\"generatedTokens\":64}";
    }

    private static String tensor(String name, String type, long cols, long rows) {
        long bytes = type.equals("F32") ? cols * rows * 4 : cols * rows / 32 * 18;
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"shape\":[" + cols + (rows > 1 ? "," + rows : "")
                + "],\"bytes\":" + bytes + "}";
    }

    @Test
    void calibrateWritesACpuNodeTypeWhosePlanPredictsFromTheStoredFigures() throws Exception {
        String jar = System.getProperty("quanta.worker.jar");
        assertThat(jar).as("quanta.worker.jar (the inference worker's exec jar) must be set").isNotBlank();
        assertThat(Files.isRegularFile(Path.of(jar))).as("built worker jar %s", jar).isTrue();
        String node = "cpu-it-calibrated";
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar, "calibrate", "--planner",
                "http://127.0.0.1:" + port, "--admin-token", TOKEN, "--name", node, "--types", "Q4_0,Q8_0",
                "--seconds", "0.02", "-t", "2")
                .redirectErrorStream(true).redirectOutput(Path.of("target", "calibrate-it.log").toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("calibrate finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(Path.of("target", "calibrate-it.log"))).isZero();

        Http.Response stored = http.get("/gpus/" + node);
        assertThat(stored.status()).as(stored.raw()).isEqualTo(200);
        JsonNode gpu = stored.json();
        assertThat(gpu.get("kind").asString()).isEqualTo("CPU");
        JsonNode c = gpu.get("calibration");
        assertThat(c.get("threads").asInt()).isEqualTo(2);
        assertThat(c.get("readGbPerSecond").asDouble()).isPositive();
        assertThat(c.get("calibratedAt").asString()).isNotBlank();
        assertThat(c.get("types")).extracting(t -> t.get("type").asString()).containsExactly("Q4_0", "Q8_0");
        assertThat(gpu.get("bandwidthGbPerSecond").asDouble()).isEqualTo(c.get("readGbPerSecond").asDouble());

        Http.Response plan = http.send("POST", "/plan", adHocPlan(node), null);
        assertThat(plan.status()).as(plan.raw()).isEqualTo(200);
        JsonNode worker = plan.json().get("cpuWorker");
        assertThat(worker.isNull()).as(plan.raw()).isFalse();

        List<CpuCalibration.TypeRate> rates = new ArrayList<>();
        for (JsonNode t : c.get("types")) {
            rates.add(new CpuCalibration.TypeRate(t.get("type").asString(), t.get("decodeCallSeconds").asDouble(),
                    t.get("decodeGbPerSecond").asDouble(), t.get("promptCallSeconds").asDouble(),
                    t.get("promptGops").asDouble()));
        }
        CpuCalibration calibration = new CpuCalibration(c.get("threads").asInt(), c.get("kernels").asString(),
                c.get("readGbPerSecond").asDouble(), c.get("layerSeconds").asDouble(),
                c.get("layerSecondsPerElement").asDouble(), c.get("tokenSecondsPerVocabEntry").asDouble(),
                c.get("attentionGops").asDouble(), c.get("promptTokens").asInt(), rates, null);
        List<GgufTensor> tensors = new ArrayList<>();
        for (JsonNode t : tools.jackson.databind.json.JsonMapper.builder().build().readTree(adHocPlan(node))
                .get("model").get("tensors")) {
            JsonNode shape = t.get("shape");
            tensors.add(new GgufTensor(t.get("name").asString(), t.get("type").asString(), shape.get(0).asLong(),
                    shape.size() > 1 ? shape.get(1).asLong() : 1, t.get("bytes").asLong()));
        }
        ModelShape shape = new ModelShape("tiny-it", null, 0.0016, 0.0032, 2, 256, 4, 2, 64, 2048, 1000);
        var expected = CpuWorkerModel.predict(shape, tensors, calibration, 2048, 128, 64);
        assertThat(worker.get("decodeTokensPerSecond").asDouble())
                .isCloseTo(expected.decodeTokensPerSecond(), within(1e-9 * expected.decodeTokensPerSecond()));
        assertThat(worker.get("promptTokensPerSecond").asDouble())
                .isCloseTo(expected.promptTokensPerSecond(), within(1e-9 * expected.promptTokensPerSecond()));
        assertThat(worker.get("memoryBytes").asLong()).isEqualTo(expected.memoryBytes());
        assertThat(worker.get("kvBytes").asLong()).isEqualTo(2L * 2 * 2 * 64 * 2 * 2048);
        assertThat(http.send("DELETE", "/gpus/" + node, null, TOKEN).status()).isEqualTo(204);
    }

    @Test
    void anonymousWorkerAndApiKeyCannotWriteACalibratedNodeType() {
        Http.Response anonymous = http.send("PUT", "/gpus/cpu-it-refused", CALIBRATED, null);
        assertProblem(anonymous, 401, "unauthorized");
        for (String token : new String[] {WORKER_TOKEN, API_KEY, METRICS_TOKEN}) {
            assertProblem(http.send("PUT", "/gpus/cpu-it-refused", CALIBRATED, token), 403, "forbidden");
        }
        assertThat(http.get("/gpus/cpu-it-refused").status()).isEqualTo(404);
    }

    @Test
    void aCalibrationOnAGpuTypeOrWithAnImpossibleRateIsRefused() {
        assertInvalid(http.send("PUT", "/gpus/gpu-it-calibrated", CALIBRATED.replace("\"CPU\"", "\"GPU\""), TOKEN),
                "calibration");
        Http.Response zeroRate = http.send("PUT", "/gpus/cpu-it-zero",
                CALIBRATED.replace("\"decodeGbPerSecond\":30", "\"decodeGbPerSecond\":0"), TOKEN);
        assertProblem(zeroRate, 400, "validation");
        assertThat(http.get("/gpus/cpu-it-zero").status()).isEqualTo(404);
    }

    @Test
    void aPlanSaysWhyThereIsNoCpuWorkerPrediction() {
        String uncalibratedCpu = CALIBRATED.replaceFirst("(?s),\"calibration\".*$", "}");
        assertThat(http.send("PUT", "/gpus/cpu-it-plain", uncalibratedCpu, TOKEN).status()).isEqualTo(201);
        JsonNode uncalibrated = http.send("POST", "/plan", adHocPlan("cpu-it-plain"), null).json();
        assertThat(uncalibrated.get("cpuWorker").isNull()).isTrue();
        assertThat(uncalibrated.get("plan").get("notes").toString()).contains("is not calibrated");

        assertThat(http.send("PUT", "/gpus/cpu-it-calibrated-only", CALIBRATED, TOKEN).status()).isEqualTo(201);
        JsonNode noTensors = http.send("POST", "/plan", "{\"model\":{\"parametersBillions\":1,\"layers\":2,"
                + "\"hiddenSize\":64,\"attentionHeads\":8,\"kvHeads\":8,\"headDim\":8,\"contextLength\":512},"
                + "\"gpu\":\"cpu-it-calibrated-only\"}", null).json();
        assertThat(noTensors.get("cpuWorker").isNull()).isTrue();
        assertThat(noTensors.get("plan").get("notes").toString()).contains("model.tensors");
        JsonNode predicted = http.send("POST", "/plan", adHocPlan("cpu-it-calibrated-only"), null).json();
        assertThat(predicted.get("cpuWorker").get("decodeTokensPerSecond").asDouble()).isPositive();
        http.send("DELETE", "/gpus/cpu-it-plain", null, TOKEN);
        http.send("DELETE", "/gpus/cpu-it-calibrated-only", null, TOKEN);
    }
}
