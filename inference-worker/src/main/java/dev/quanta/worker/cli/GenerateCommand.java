package dev.quanta.worker.cli;

import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code quanta generate --model FILE --prompt TEXT -n N [--temp T] [--seed S] [--threads N] [--json]
 * [--top-logprobs K]}: continues a prompt, streaming the text; with {@code --json} prints one object
 * {@code {"prompt_tokens", "tokens", "text", "top_logprobs"}} instead. The prompt gets BOS when the vocabulary
 * adds it and special tokens in it are parsed, as llama-server does. Stops after N tokens or an end-of-generation
 * token.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a prompt (streams it, or prints one JSON object with --json).")
final class GenerateCommand implements Callable<Integer> {

    @Mixin
    EngineFlags engine;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The prompt.")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens to generate (default 64).")
    int count = 64;

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default 0.8).")
    float temperature = 0.8f;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k filter, 0 = off (default 40).")
    int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "Top-p filter, 1 = off (default 0.95).")
    float topP = 0.95f;

    @Option(names = "--min-p", paramLabel = "P", description = "Min-p filter, 0 = off (default 0.05).")
    float minP = 0.05f;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Sampling seed (default: random).")
    Long seed;

    @Option(names = "--json", description = "Print one JSON object instead of streaming text.")
    boolean json;

    @Option(names = "--top-logprobs", paramLabel = "K",
            description = "Report the K most likely tokens with log-probabilities at each position (default 0).")
    int topLogprobs = 0;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (count < 0) {
            throw new IllegalArgumentException("-n must be >= 0, got " + count);
        }
        if (topLogprobs < 0 || topLogprobs > EngineRequest.MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("--top-logprobs must be between 0 and " + EngineRequest.MAX_TOP_LOGPROBS
                    + ", got " + topLogprobs);
        }
        SamplingParams params = new SamplingParams(temperature, topK, topP, minP,
                seed != null ? seed : System.nanoTime());
        PrintWriter out = spec.commandLine().getOut();
        try (LlmEngine e = engine.open()) {
            Tokenizer tokenizer = e.tokenizer();
            int[] promptTokens = tokenizer.encode(prompt, true, true);
            if (promptTokens.length == 0) {
                throw new IllegalArgumentException("the prompt is empty");
            }
            if (promptTokens.length >= e.maxModelLen()) {
                throw new IllegalArgumentException("prompt of " + promptTokens.length + " tokens does not fit in the "
                        + "context of " + e.maxModelLen() + " tokens (raise --ctx-size)");
            }
            int limit = Math.min(count, e.maxModelLen() - promptTokens.length); // stop at a full context
            Generation result;
            if (limit == 0) {
                result = new Generation(promptTokens, new int[0], List.of(), "", null, null, 0, 0);
            } else {
                EngineRequest request = new EngineRequest("generate", promptTokens, params,
                        StopConditions.maxTokens(limit), 1, topLogprobs, false, null);
                int[] streamed = {0};
                result = Generation.run(e, request, t -> {
                    if (!json) {
                        out.print(t.text());
                        out.flush();
                        streamed[0] += t.text().length();
                    }
                });
                if (!json) {
                    out.print(result.text().substring(streamed[0])); // text held back until the end
                }
            }
            if (json) {
                out.println(toJson(result));
            } else {
                out.println();
            }
            out.flush();
        }
        return 0;
    }

    static String toJson(Generation result) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode prompt = root.putArray("prompt_tokens");
        for (int id : result.promptTokens()) {
            prompt.add(id);
        }
        ArrayNode tokens = root.putArray("tokens");
        for (int id : result.tokens()) {
            tokens.add(id);
        }
        root.put("text", result.text());
        ArrayNode tops = root.putArray("top_logprobs");
        for (TokenLogProb[] position : result.topLogprobs()) {
            ArrayNode entries = tops.addArray();
            for (TokenLogProb t : position) {
                entries.addObject().put("id", t.id()).put("logprob", t.logprob());
            }
        }
        return mapper.writeValueAsString(root);
    }
}
