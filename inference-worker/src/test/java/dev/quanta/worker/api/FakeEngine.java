package dev.quanta.worker.api;

import dev.quanta.worker.engine.EngineRejectedException;
import dev.quanta.worker.engine.EngineRequest;
import dev.quanta.worker.engine.EngineStats;
import dev.quanta.worker.engine.FinishReason;
import dev.quanta.worker.engine.InferenceEngine;
import dev.quanta.worker.engine.RequestHandle;
import dev.quanta.worker.engine.RequestListener;
import dev.quanta.worker.engine.TokenOutput;
import dev.quanta.worker.engine.Usage;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.tokenizer.Tokenizer;
import dev.quanta.worker.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for the step loop, for request/response shape tests: the real model file (its tokenizer and
 * chat template), but each sequence emits the tokens of {@link #SCRIPT} in turn, up to {@code max_tokens}, on one
 * "step" thread, with knobs for queue-full rejections, failures, delays and a cached-token count.
 */
final class FakeEngine implements InferenceEngine {

    static final String SCRIPT = " the cat sat on the mat and the dog ran to the park";

    final List<EngineRequest> submitted = new CopyOnWriteArrayList<>();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    volatile boolean queueFull;
    volatile boolean failAfterFirstToken;
    volatile long tokenDelayMillis;
    volatile int cachedTokens = 3;
    /** When set, each sequence waits for it after its first token (a stream the test holds open). */
    volatile java.util.concurrent.CountDownLatch holdAfterFirstToken;

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final int[] script;
    private final ExecutorService step = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-step");
        t.setDaemon(true);
        return t;
    });

    FakeEngine(Path file) throws IOException {
        this.model = LlamaModel.open(file);
        this.tokenizer = Tokenizers.fromGguf(file);
        this.script = tokenizer.encode(SCRIPT, false, false);
    }

    void reset() {
        submitted.clear();
        cancels.set(0);
        queueFull = false;
        failAfterFirstToken = false;
        tokenDelayMillis = 0;
        cachedTokens = 3;
        holdAfterFirstToken = null;
    }

    /** The text sequence {@code k} tokens of the script make. */
    String scriptText(int k) {
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = script[i % script.length];
        }
        return decodeNoBos(ids);
    }

    private String decodeNoBos(int[] ids) {
        StringBuilder s = new StringBuilder();
        var d = tokenizer.detokenizer();
        for (int id : ids) {
            s.append(d.push(id));
        }
        return s.append(d.flush()).toString();
    }

    @Override
    public LlamaModel model() {
        return model;
    }

    @Override
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public int maxModelLen() {
        return 512;
    }

    @Override
    public RequestHandle submit(EngineRequest request, RequestListener listener) {
        if (queueFull) {
            throw new EngineRejectedException(EngineRejectedException.Reason.QUEUE_FULL, "queue full", 7);
        }
        submitted.add(request);
        active.incrementAndGet();
        var cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        step.execute(() -> run(request, listener, cancelled));
        return new RequestHandle() {
            @Override
            public String requestId() {
                return request.requestId();
            }

            @Override
            public void cancel() {
                if (cancelled.compareAndSet(false, true)) {
                    cancels.incrementAndGet();
                }
            }
        };
    }

    private void run(EngineRequest request, RequestListener listener, java.util.concurrent.atomic.AtomicBoolean cancelled) {
        try {
            int prompt = request.promptTokens().length;
            if (request.promptLogprobs()) {
                List<TokenLogProb[]> per = new java.util.ArrayList<>();
                per.add(null);
                for (int i = 1; i < prompt; i++) {
                    per.add(new TokenLogProb[] {new TokenLogProb(request.promptTokens()[i], -1.5f)});
                }
                listener.onPromptLogprobs(per);
            }
            int max = request.stop().maxTokens();
            int generated = 0;
            for (int seq = 0; seq < request.n(); seq++) {
                var detok = tokenizer.detokenizer();
                FinishReason reason = FinishReason.LENGTH;
                for (int t = 0; t < max; t++) {
                    if (cancelled.get()) {
                        reason = FinishReason.ABORT;
                        break;
                    }
                    int id = script[t % script.length];
                    int k = Math.max(request.topLogprobs(), 0);
                    TokenLogProb[] top = new TokenLogProb[request.topLogprobs() < 0 ? 0 : k];
                    for (int j = 0; j < top.length; j++) {
                        top[j] = new TokenLogProb(script[(t + j) % script.length], -0.25f * (j + 1));
                    }
                    listener.onToken(new TokenOutput(seq, id, detok.push(id),
                            request.topLogprobs() < 0 ? Float.NaN : -0.25f, top));
                    generated++;
                    if (failAfterFirstToken) {
                        listener.onError(new IllegalStateException("scripted failure"));
                        return;
                    }
                    var hold = holdAfterFirstToken;
                    if (t == 0 && hold != null) {
                        hold.await();
                    }
                    if (tokenDelayMillis > 0) {
                        Thread.sleep(tokenDelayMillis);
                    }
                }
                listener.onFinish(seq, reason, detok.flush(), new Usage(prompt, generated, cachedTokens));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public EngineStats stats() {
        int a = active.get();
        return new EngineStats(a, 0, a > 0 ? 0.5 : 0, 16, 100, 640, 10, 4, 20, 30, 1, 5);
    }

    @Override
    public void close() {
        step.shutdownNow();
        model.close();
    }
}
