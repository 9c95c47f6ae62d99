package dev.quanta.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** llama.cpp's greedy outputs for the stories260K models ({@code ../shared/golden/stories260K}). */
public final class GoldenFiles {

    /** One golden prompt: what llama.cpp fed and produced. */
    public record Case(String prompt, int[] promptTokens, int[] tokens, String text, int[][] topIds,
                       float[][] topLogprobs) {

        /** Generated positions to compare: all, or up to and including the first near-tie (gap below minGap). */
        public int comparablePositions(float minGap) {
            for (int i = 0; i < tokens.length; i++) {
                if (topLogprobs[i][0] - topLogprobs[i][1] < minGap) {
                    return i + 1;
                }
            }
            return tokens.length;
        }
    }

    private GoldenFiles() {}

    /** The shared directory, or a skipped test when it is absent. */
    public static Path sharedDir() {
        String dir = System.getProperty("quanta.shared.dir", "../../shared");
        Path path = Path.of(dir);
        assumeTrue(Files.isDirectory(path.resolve("golden/stories260K")),
                "shared test data not found at " + path.toAbsolutePath() + " (set -Dquanta.shared.dir)");
        return path;
    }

    public static Path model(String name) {
        return sharedDir().resolve("models").resolve(name + ".gguf");
    }

    public static List<Case> cases(String modelName) throws IOException {
        return read(sharedDir().resolve("golden/stories260K").resolve(modelName + ".greedy.jsonl"));
    }

    /** The cases of one {@code .greedy.jsonl} file. */
    public static List<Case> read(Path file) throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode o = mapper.readTree(line);
            int[] prompt = ints(o.get("prompt_tokens"));
            int[] tokens = ints(o.get("tokens"));
            JsonNode tops = o.get("top5_logprobs");
            int[][] ids = new int[tops.size()][];
            float[][] lps = new float[tops.size()][];
            for (int i = 0; i < tops.size(); i++) {
                JsonNode pos = tops.get(i);
                ids[i] = new int[pos.size()];
                lps[i] = new float[pos.size()];
                for (int j = 0; j < pos.size(); j++) {
                    ids[i][j] = pos.get(j).get("id").asInt();
                    lps[i][j] = (float) pos.get(j).get("logprob").asDouble();
                }
            }
            cases.add(new Case(o.get("prompt").asString(), prompt, tokens, o.get("text").asString(), ids, lps));
        }
        return cases;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
