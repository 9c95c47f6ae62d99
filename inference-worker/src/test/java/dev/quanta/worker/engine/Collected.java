package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A listener that records a request's whole output, for tests: tokens, texts, log-probabilities per sequence. */
class Collected implements RequestListener {

    final int n;
    final List<List<Integer>> tokens = new ArrayList<>();
    final List<List<Float>> logprobs = new ArrayList<>();
    final List<List<TokenLogProb[]>> tops = new ArrayList<>();
    final List<StringBuilder> text = new ArrayList<>();
    final FinishReason[] reasons;
    volatile List<TokenLogProb[]> promptLogprobs;
    volatile Usage usage;
    final CompletableFuture<Collected> done = new CompletableFuture<>();
    private int finished;

    Collected(int n) {
        this.n = n;
        this.reasons = new FinishReason[n];
        for (int i = 0; i < n; i++) {
            tokens.add(new ArrayList<>());
            logprobs.add(new ArrayList<>());
            tops.add(new ArrayList<>());
            text.add(new StringBuilder());
        }
    }

    @Override
    public void onPromptLogprobs(List<TokenLogProb[]> perToken) {
        promptLogprobs = perToken;
    }

    @Override
    public synchronized void onToken(TokenOutput t) {
        tokens.get(t.index()).add(t.tokenId());
        logprobs.get(t.index()).add(t.logprob());
        tops.get(t.index()).add(t.topLogprobs());
        text.get(t.index()).append(t.text());
    }

    @Override
    public synchronized void onFinish(int index, FinishReason reason, String tail, Usage usage) {
        text.get(index).append(tail);
        reasons[index] = reason;
        this.usage = usage;
        if (++finished == n) {
            done.complete(this);
        }
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    Collected await() throws Exception {
        return done.get(120, TimeUnit.SECONDS);
    }

    int[] tokens(int i) {
        return tokens.get(i).stream().mapToInt(Integer::intValue).toArray();
    }

    /** Tokens and every log-probability as one comparable string (bit patterns, so equality is exact). */
    String fingerprint(int i) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < tokens.get(i).size(); k++) {
            sb.append(tokens.get(i).get(k)).append(':').append(Float.floatToIntBits(logprobs.get(i).get(k)));
            for (TokenLogProb p : tops.get(i).get(k)) {
                sb.append(',').append(p.id()).append('=').append(Float.floatToIntBits(p.logprob()));
            }
            sb.append(' ');
        }
        return sb.toString();
    }

    static Collected run(InferenceEngine engine, EngineRequest request) throws Exception {
        Collected c = new Collected(request.n());
        engine.submit(request, c);
        return c.await();
    }
}
