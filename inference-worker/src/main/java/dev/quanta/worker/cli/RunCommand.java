package dev.quanta.worker.cli;

import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.Generation;
import dev.quanta.worker.engine.LlmEngine;
import dev.quanta.worker.engine.StopConditions;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.tokenizer.ChatTemplate;
import dev.quanta.worker.tokenizer.ChatTemplates;
import dev.quanta.worker.tokenizer.Message;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quanta run --model FILE}: an interactive chat on stdin/stdout using the model's chat template. Each turn
 * re-renders the conversation; the engine's prefix cache computes only the tokens past the blocks already cached.
 * {@code /reset} starts over, {@code /exit} (or end of input) quits.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Chat with a model interactively.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    EngineFlags engine;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message for the conversation.")
    String system;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Most tokens per reply (default 512).")
    int maxTokens = 512;

    @Option(names = "--temp", paramLabel = "T", description = "Temperature; 0 = greedy (default 0.8).")
    float temperature = 0.8f;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", description = "Sampling seed (default: random).")
    Long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LlmEngine e = engine.open()) {
            Tokenizer tokenizer = e.tokenizer();
            ChatTemplate template = ChatTemplates.forModel(e.model().file().metadata(), tokenizer);
            long nextSeed = seed != null ? seed : System.nanoTime();
            List<Message> messages = new ArrayList<>();
            if (system != null) {
                messages.add(Message.system(system));
            }
            err.println("chatting with " + e.model().path().getFileName() + " (" + template.name()
                    + " template); /reset to start over, /exit to quit");
            err.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    break;
                }
                if (line.strip().equals("/reset")) {
                    messages.removeIf(m -> !m.role().equals("system"));
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                messages.add(Message.user(line));
                // NOTE: the whole conversation is sent each turn; the prefix cache finds the earlier turns' blocks,
                // so only the new tokens (and the last partly filled block) are computed
                int[] full = ChatTemplates.encodePrompt(tokenizer, template.render(messages, true));
                if (full.length >= e.maxModelLen()) {
                    err.println("the conversation no longer fits in the context of " + e.maxModelLen()
                            + " tokens; /reset to start over");
                    err.flush();
                    messages.removeLast();
                    continue;
                }
                SamplingParams params = new SamplingParams(temperature, 40, 0.95f, 0.05f, nextSeed++);
                EngineRequest request = new EngineRequest("run", full, params,
                        StopConditions.maxTokens(Math.min(maxTokens, e.maxModelLen() - full.length)), 1, -1, false,
                        null);
                int[] streamed = {0};
                Generation r = Generation.run(e, request, t -> {
                    out.print(t.text());
                    out.flush();
                    streamed[0] += t.text().length();
                });
                out.println(r.text().substring(streamed[0]));
                out.flush();
                messages.add(Message.assistant(r.text()));
            }
        }
        return 0;
    }
}
