package dev.quanta.worker.cli;

import dev.quanta.worker.generate.Engine;
import dev.quanta.worker.generate.GenerationResult;
import dev.quanta.worker.generate.Session;
import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.sampling.SamplingParams;
import dev.quanta.worker.tokenizer.ChatTemplate;
import dev.quanta.worker.tokenizer.ChatTemplates;
import dev.quanta.worker.tokenizer.Detokenizer;
import dev.quanta.worker.tokenizer.Message;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quanta run --model FILE}: an interactive chat on stdin/stdout using the model's chat template. Each turn
 * re-renders the conversation and feeds only the tokens past the prefix already in the KV cache.
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
        try (Engine e = engine.open()) {
            Tokenizer tokenizer = e.tokenizer();
            ChatTemplate template = ChatTemplates.forModel(e.model().file().metadata(), tokenizer);
            Sampler sampler = new Sampler(new SamplingParams(temperature, 40, 0.95f, 0.05f,
                    seed != null ? seed : System.nanoTime()));
            Session session = e.newSession();
            List<Message> messages = new ArrayList<>();
            if (system != null) {
                messages.add(Message.system(system));
            }
            int[] cached = new int[0]; // tokens whose K/V are in the session, in order
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
                    session.reset();
                    cached = new int[0];
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                messages.add(Message.user(line));
                int[] full = ChatTemplates.encodePrompt(tokenizer, template.render(messages, true));
                int keep = Math.min(commonPrefix(cached, full), full.length - 1); // feed at least one token
                if (full.length > session.capacity()) {
                    err.println("the conversation no longer fits in the context of " + session.capacity()
                            + " tokens; /reset to start over");
                    err.flush();
                    messages.removeLast();
                    continue;
                }
                session.truncate(Math.min(keep, session.length()));
                int[] suffix = Arrays.copyOfRange(full, session.length(), full.length);
                Detokenizer detok = tokenizer.detokenizer();
                StringBuilder reply = new StringBuilder();
                GenerationResult r = e.generator().generate(session, suffix,
                        Math.min(maxTokens, session.capacity() - full.length), sampler, 0, tokenizer::isEog,
                        (id, top) -> {
                            if (!tokenizer.isEog(id)) {
                                String piece = detok.push(id);
                                reply.append(piece);
                                out.print(piece);
                                out.flush();
                            }
                        });
                String tail = detok.flush();
                reply.append(tail);
                out.println(tail);
                out.flush();
                messages.add(Message.assistant(reply.toString()));
                // the cache now holds the prompt and every generated token but the last (never fed back)
                int[] generated = r.tokens();
                cached = Arrays.copyOf(full, full.length + Math.max(0, generated.length - 1));
                System.arraycopy(generated, 0, cached, full.length, Math.max(0, generated.length - 1));
            }
        }
        return 0;
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }
}
