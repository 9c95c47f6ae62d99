package dev.quanta.worker.cli;

import dev.quanta.worker.generate.Engine;
import dev.quanta.worker.generate.GenerationResult;
import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.tokenizer.Detokenizer;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.io.PrintWriter;
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
        if (topLogprobs < 0 || topLogprobs > 100) {
            throw new IllegalArgumentException("--top-logprobs must be between 0 and 100, got " + topLogprobs);
        }
        SamplingParams params = new SamplingParams(temperature, topK, topP, minP,
                seed != null ? seed : System.nanoTime());
        PrintWriter out = spec.commandLine().getOut();
        try (Engine e = engine.open()) {
            Tokenizer tokenizer = e.tokenizer();
            int[] promptTokens = tokenizer.encode(prompt, true, true);
            Detokenizer detok = tokenizer.detokenizer();
            StringBuilder text = new StringBuilder();
            GenerationResult result = e.generator().generate(e.newSession(), promptTokens, count, new Sampler(params),
                    topLogprobs, tokenizer::isEog, (id, top) -> {
                        String piece = detok.push(id);
                        text.append(piece);
                        if (!json) {
                            out.print(piece);
                            out.flush();
                        }
                    });
            String tail = detok.flush();
            text.append(tail);
            if (json) {
                out.println(toJson(result, text.toString()));
            } else {
                out.println(tail);
            }
            out.flush();
        }
        return 0;
    }

    static String toJson(GenerationResult result, String text) {
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
        root.put("text", text);
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
