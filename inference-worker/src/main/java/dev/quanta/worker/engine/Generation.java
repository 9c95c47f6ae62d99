package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.TokenLogProb;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * One completion (n = 1) run to its end through the engine, for callers that wait for it: the command line's
 * generate, run and bench, and the batch runner. Streams each token to {@code onToken} as it comes.
 *
 * @param promptTokens  the prompt
 * @param tokens        generated ids
 * @param topLogprobs   per generated position, the most likely tokens (empty arrays when not asked)
 * @param text          the generated text
 * @param reason        why it ended
 * @param usage         token counts
 * @param firstTokenNanos time from submission to the first token
 * @param totalNanos    time from submission to the end
 */
public record Generation(int[] promptTokens, int[] tokens, List<TokenLogProb[]> topLogprobs, String text,
                         FinishReason reason, Usage usage, long firstTokenNanos, long totalNanos) {

    /** Submits {@code request} (its {@code n} must be 1) and waits for its end. */
    public static Generation run(InferenceEngine engine, EngineRequest request, Consumer<TokenOutput> onToken)
            throws InterruptedException {
        if (request.n() != 1) {
            throw new IllegalArgumentException("Generation.run serves one sequence, got n = " + request.n());
        }
        long start = System.nanoTime();
        CompletableFuture<Generation> done = new CompletableFuture<>();
        List<Integer> ids = new ArrayList<>();
        List<TokenLogProb[]> tops = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        long[] first = {-1};
        RequestHandle handle = engine.submit(request, new RequestListener() {
            @Override
            public void onToken(TokenOutput t) {
                if (first[0] < 0) {
                    first[0] = System.nanoTime() - start;
                }
                ids.add(t.tokenId());
                tops.add(t.topLogprobs());
                text.append(t.text());
                onToken.accept(t);
            }

            @Override
            public void onFinish(int index, FinishReason reason, String tail, Usage usage) {
                text.append(tail);
                done.complete(new Generation(request.promptTokensRef(), ids.stream().mapToInt(Integer::intValue)
                        .toArray(), List.copyOf(tops), text.toString(), reason, usage, first[0],
                        System.nanoTime() - start));
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            handle.cancel();
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("generation failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
