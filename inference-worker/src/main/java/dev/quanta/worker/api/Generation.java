package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineRejectedException;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.FinishReason;
import dev.quanta.worker.engine.InferenceEngine;
import dev.quanta.worker.engine.RequestHandle;
import dev.quanta.worker.engine.RequestListener;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.sampling.TokenLogProb;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One submitted request seen from the edge: the engine's step thread hands each callback to a bounded queue and
 * returns at once; the client's thread ({@link #next}) takes them off and writes the response. A client that
 * falls {@link #MAX_BUFFERED} events behind is cut off (the request is cancelled) instead of stalling the engine.
 * Latencies for the {@code vllm:*} histograms are taken from the callback times.
 */
public final class Generation implements RequestListener {

    /** Events buffered for a slow client before its request is cancelled. */
    static final int MAX_BUFFERED = 8192;

    /** What the engine reported. */
    public sealed interface Event permits PromptLogprobs, Token, Finished, Failed {}

    public record PromptLogprobs(List<TokenLogProb[]> perToken) implements Event {}

    public record Token(TokenOutput output) implements Event {}

    public record Finished(int index, FinishReason reason, String text, Usage usage) implements Event {}

    public record Failed(Throwable error) implements Event {}

    private final EngineRequest request;
    private final LinkedBlockingQueue<Event> events;
    private final ServingMetrics metrics;
    private final long submittedNanos;
    private final long[] lastTokenNanos;   // [n] time of each sequence's last token; 0 before its first
    private volatile RequestHandle handle;
    private volatile boolean overflowed;
    private boolean anyToken;              // engine thread only
    private int finishedOnEngine;          // engine thread only
    private int finishedTaken;             // client thread only
    private boolean failed;                // client thread only

    private Generation(EngineRequest request, ServingMetrics metrics) {
        this.request = request;
        this.metrics = metrics;
        this.events = new LinkedBlockingQueue<>(MAX_BUFFERED);
        this.submittedNanos = System.nanoTime();
        this.lastTokenNanos = new long[request.n()];
    }

    /**
     * Submits {@code request}.
     *
     * @throws OpenAiException 429 (queue full, with Retry-After), 400 (can never fit), 503 (shutting down)
     */
    public static Generation start(InferenceEngine engine, EngineRequest request, ServingMetrics metrics) {
        Generation g = new Generation(request, metrics);
        try {
            g.handle = engine.submit(request, g);
        } catch (EngineRejectedException e) {
            throw switch (e.reason()) {
                case QUEUE_FULL -> OpenAiException.overloaded(e.getMessage(), Math.max(1, e.retryAfterSeconds()));
                case TOO_LONG -> OpenAiException.invalid(null, "context_length_exceeded", e.getMessage());
                case UNAVAILABLE -> OpenAiException.unavailable(e.getMessage(), Math.max(1, e.retryAfterSeconds()));
            };
        }
        return g;
    }

    public EngineRequest request() {
        return request;
    }

    /**
     * The next event, or null once every sequence has finished or the request failed. Blocks the caller (a
     * request thread, virtual where configured), never the engine.
     */
    public Event next() throws InterruptedException {
        while (finishedTaken < request.n() && !failed) {
            Event e = events.poll(250, TimeUnit.MILLISECONDS);
            if (e == null) {
                if (overflowed && events.isEmpty()) {
                    failed = true;
                    return new Failed(new IllegalStateException(
                            "the client fell more than " + MAX_BUFFERED + " events behind; request cancelled"));
                }
                continue;
            }
            if (e instanceof Finished) {
                finishedTaken++;
            } else if (e instanceof Failed) {
                failed = true;
            }
            return e;
        }
        return null;
    }

    /** Ends the request (client gone); idempotent. */
    public void cancel() {
        RequestHandle h = handle;
        if (h != null) {
            h.cancel();
        }
    }

    // --- RequestListener: engine step thread; never blocks ---

    @Override
    public void onPromptLogprobs(List<TokenLogProb[]> perToken) {
        offer(new PromptLogprobs(perToken));
    }

    @Override
    public void onToken(TokenOutput token) {
        long now = System.nanoTime();
        if (metrics != null) {
            if (!anyToken) {
                metrics.timeToFirstToken(now - submittedNanos);
            } else if (lastTokenNanos[token.index()] != 0) {
                metrics.interTokenLatency(now - lastTokenNanos[token.index()]);
            }
        }
        anyToken = true;
        lastTokenNanos[token.index()] = now;
        offer(new Token(token));
    }

    @Override
    public void onFinish(int index, FinishReason reason, String text, Usage usage) {
        if (++finishedOnEngine == request.n() && metrics != null) {
            metrics.endToEnd(System.nanoTime() - submittedNanos);
        }
        offer(new Finished(index, reason, text, usage));
    }

    @Override
    public void onError(Throwable error) {
        offer(new Failed(error));
    }

    private void offer(Event e) {
        if (!events.offer(e)) {
            overflowed = true;
            cancel();
        }
    }
}
