package dev.quanta.worker.api;

import dev.quanta.worker.engine.FinishReason;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.sampling.TokenLogProb;
import java.util.ArrayList;
import java.util.List;

/** A whole request's output gathered for a non-streaming response. */
final class Collected {

    /** One of the {@code n} sequences. */
    static final class Choice {
        final StringBuilder text = new StringBuilder();
        final List<TokenOutput> tokens = new ArrayList<>();
        FinishReason finish;
    }

    final Choice[] choices;
    List<TokenLogProb[]> promptLogprobs;
    Usage usage;

    private Collected(int n) {
        choices = new Choice[n];
        for (int i = 0; i < n; i++) {
            choices[i] = new Choice();
        }
    }

    /** Drains {@code g} to its end; a failure inside the engine becomes a 500 in OpenAI's shape. */
    static Collected of(Generation g) throws InterruptedException {
        Collected c = new Collected(g.request().n());
        try {
            for (Generation.Event e; (e = g.next()) != null; ) {
                switch (e) {
                    case Generation.PromptLogprobs p -> c.promptLogprobs = p.perToken();
                    case Generation.Token t -> {
                        Choice ch = c.choices[t.output().index()];
                        ch.text.append(t.output().text());
                        ch.tokens.add(t.output());
                    }
                    case Generation.Finished f -> {
                        Choice ch = c.choices[f.index()];
                        ch.text.append(f.text());
                        ch.finish = f.reason();
                        c.usage = f.usage();
                    }
                    case Generation.Failed f -> throw OpenAiException.internal(
                            "generation failed: " + f.error().getMessage());
                }
            }
        } catch (InterruptedException e) {
            g.cancel();
            throw e;
        }
        if (c.usage == null) {
            c.usage = new Usage(g.request().promptTokens().length, 0, 0);
        }
        return c;
    }
}
