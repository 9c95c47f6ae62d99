package dev.quanta.worker.generate;

import dev.quanta.worker.model.Batch;
import dev.quanta.worker.model.ForwardPass;
import dev.quanta.worker.sampling.LogProbs;
import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.sampling.TokenLogProb;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The generation loop of the command line: feed the prompt in chunks of the pass's batch size (logits only for the
 * last token), then sample one token at a time until the limit, an end-of-generation token, or a full context.
 * One sequence at a time; the serving engine batches many through the same {@link ForwardPass}.
 */
public final class Generator {

    private static final TokenLogProb[] NONE = new TokenLogProb[0];

    private final ForwardPass pass;
    private final Batch batch;
    private final float[] logits; // [vocab] the last logits row, on the heap for the sampler

    public Generator(ForwardPass pass) {
        this.pass = pass;
        this.batch = new Batch(pass.maxTokens());
        this.logits = new float[pass.config().vocabSize()];
    }

    /**
     * Appends {@code tokens} to the session's context and generates up to {@code maxTokens} tokens after them.
     *
     * @param isEog       stops generation after a token for which it is true (e.g. tokenizer::isEog)
     * @param topLogprobs how many top log-probabilities to report per position (0 for none)
     * @throws IllegalArgumentException when the prompt does not fit in the context
     */
    public GenerationResult generate(Session session, int[] tokens, int maxTokens, Sampler sampler, int topLogprobs,
                                     IntPredicate isEog, TokenListener listener) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("the prompt is empty");
        }
        if (session.length() + tokens.length > session.capacity()) {
            throw new IllegalArgumentException("prompt of " + tokens.length + " tokens does not fit in the context of "
                    + session.capacity() + " tokens" + (session.length() > 0
                            ? " (" + session.length() + " already used)" : ""));
        }
        long start = System.nanoTime();
        prefill(session, tokens);
        long promptNanos = System.nanoTime() - start;

        long genStart = System.nanoTime();
        int[] out = new int[Math.max(0, maxTokens)];
        List<TokenLogProb[]> tops = new ArrayList<>();
        int count = 0;
        StopReason reason = StopReason.LIMIT;
        while (count < maxTokens) {
            int next = sampler.sample(logits);
            TokenLogProb[] top = topLogprobs > 0 ? LogProbs.top(logits, topLogprobs) : NONE;
            out[count++] = next;
            tops.add(top);
            listener.onToken(next, top);
            if (isEog.test(next)) {
                reason = StopReason.EOG;
                break;
            }
            if (count == maxTokens) {
                break;
            }
            if (session.length() >= session.capacity()) {
                reason = StopReason.CONTEXT;
                break;
            }
            batch.clear();
            batch.add(next, session.length(), session.blockTable(), true);
            copyLogits(pass.forward(batch));
            session.advance(1);
        }
        int[] generated = java.util.Arrays.copyOf(out, count);
        return new GenerationResult(tokens.clone(), generated, List.copyOf(tops), reason, promptNanos,
                System.nanoTime() - genStart);
    }

    /** Runs {@code tokens} through the model in batch-size chunks; leaves the last token's logits in place. */
    public void prefill(Session session, int[] tokens) {
        int done = 0;
        while (done < tokens.length) {
            int n = Math.min(pass.maxTokens(), tokens.length - done);
            batch.clear();
            for (int i = 0; i < n; i++) {
                boolean last = done + i == tokens.length - 1;
                batch.add(tokens[done + i], session.length() + i, session.blockTable(), last);
            }
            MemorySegment rows = pass.forward(batch);
            session.advance(n);
            done += n;
            if (done == tokens.length) {
                copyLogits(rows);
            }
        }
    }

    /** The logits left by the last prefill or step, f32 [vocab]. */
    public float[] lastLogits() {
        return logits;
    }

    private void copyLogits(MemorySegment rows) {
        MemorySegment.copy(rows, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, logits, 0, logits.length);
    }
}
