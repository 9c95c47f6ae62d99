package dev.quanta.worker.engine;

import dev.quanta.kernels.JavaKernelOps;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.worker.kv.KvCacheManager;
import dev.quanta.worker.model.ForwardPass;
import dev.quanta.worker.model.KvCache;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.scheduler.Scheduler;
import dev.quanta.worker.scheduler.SchedulerConfig;
import dev.quanta.worker.scheduler.Sequence;
import dev.quanta.worker.tokenizer.Tokenizer;
import dev.quanta.worker.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The serving engine: one loaded model (weights, tokenizer, kernels: shared, read-only), a paged KV cache sized from
 * a memory budget, and one step thread running {@link StepLoop} over every admitted request. {@link #submit} and
 * cancellation are safe from any thread; listeners run on the step thread.
 */
public final class LlmEngine implements InferenceEngine {

    private static final Logger LOG = Logger.getLogger(LlmEngine.class.getName());

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KernelOps ops;
    private final KvCache cache;
    private final ForwardPass pass;
    private final EngineConfig config;
    private final int maxModelLen;
    private final StepLoop loop;
    private final Scheduler scheduler;
    private final ConcurrentLinkedQueue<RequestState> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingSequences = new AtomicInteger(); // submitted, not yet in the scheduler
    private final AtomicInteger sequenceIds = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;
    private volatile EngineStats stats;

    private LlmEngine(LlamaModel model, Tokenizer tokenizer, KernelOps ops, KvCache cache, ForwardPass pass,
                      EngineConfig config, int maxModelLen, Scheduler scheduler) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.ops = ops;
        this.cache = cache;
        this.pass = pass;
        this.config = config;
        this.maxModelLen = maxModelLen;
        this.scheduler = scheduler;
        this.loop = new StepLoop(scheduler, pass, cache, tokenizer, maxModelLen);
        loop.onSequenceEnd(this::publishStats);
        publishStats();
        this.thread = Thread.ofPlatform().name("quanta-engine").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** Opens {@code path} and starts the step thread. */
    public static LlmEngine open(Path path, EngineConfig config) throws IOException {
        return open(path, config, null);
    }

    /**
     * Opens {@code path} and starts the step thread.
     *
     * @param progress receives bytes of weights paged in so far while loading (null: do not pre-load)
     */
    public static LlmEngine open(Path path, EngineConfig config, LongConsumer progress) throws IOException {
        KernelOps ops = config.javaKernels() ? new JavaKernelOps()
                : Kernels.create(KernelConfig.withThreads(config.threads()));
        return open(path, config, progress, ops);
    }

    /**
     * Opens {@code path} on the given kernels (the engine owns them from now on, and closes them), e.g. native
     * kernels capped at one instruction set in tests.
     */
    public static LlmEngine open(Path path, EngineConfig config, LongConsumer progress, KernelOps ops)
            throws IOException {
        LlamaModel model;
        try {
            model = LlamaModel.open(path, progress);
        } catch (IOException | RuntimeException e) {
            ops.close();
            throw e;
        }
        KvCache cache = null;
        ForwardPass pass = null;
        try {
            Tokenizer tokenizer = Tokenizers.fromGguf(model.file().metadata());
            int trained = model.config().contextLength();
            int maxModelLen = config.maxModelLen() > 0 ? config.maxModelLen()
                    : Math.min(trained, EngineConfig.DEFAULT_MAX_MODEL_LEN);
            long perToken = KvCache.bytesPerToken(model.config(), config.kvType());
            int numBlocks = KvBudget.numBlocks(config, maxModelLen, perToken);
            cache = new KvCache(model.config(), numBlocks, config.blockSize(), config.kvType());
            int maxTokens = config.maxBatchedTokens();
            int maxLogitRows = Math.min(config.maxSeqs(), maxTokens); // a row per sequence, at most a row per token
            pass = new ForwardPass(model, cache, ops, maxTokens, maxLogitRows);
            String modelId = path.getFileName() + ":" + Files.size(path) + ":" + model.config().vocabSize();
            KvCacheManager kv = new KvCacheManager(numBlocks, config.blockSize(), modelId, true);
            Scheduler scheduler = new Scheduler(new SchedulerConfig(maxTokens, config.maxSeqs(), maxLogitRows,
                    config.maxWaiting()), kv);
            LOG.info(() -> String.format("KV cache: %d blocks of %d tokens, %d bytes per token, %.1f MiB (%s)",
                    numBlocks, config.blockSize(), perToken, numBlocks * config.blockSize() * perToken / 1048576.0,
                    config.kvType()));
            return new LlmEngine(model, tokenizer, ops, cache, pass, config, maxModelLen, scheduler);
        } catch (IOException | RuntimeException | Error e) {
            if (pass != null) {
                pass.close();
            }
            if (cache != null) {
                cache.close();
            }
            ops.close();
            model.close();
            throw e;
        }
    }

    /** Bytes the KV cache allocated (K and V of every layer, every block). */
    public long kvCacheBytes() {
        return cache.byteSize();
    }

    /** Token slots the KV cache holds (blocks × block size). */
    public long kvCacheTokens() {
        return (long) cache.numBlocks() * cache.blockSize();
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
        return maxModelLen;
    }

    public EngineConfig config() {
        return config;
    }

    public KernelOps kernels() {
        return ops;
    }

    @Override
    public RequestHandle submit(EngineRequest request, RequestListener listener) {
        if (closed) {
            throw new EngineRejectedException(EngineRejectedException.Reason.UNAVAILABLE, "the engine is shutting down",
                    5);
        }
        int[] prompt = request.promptTokensRef();
        int vocab = model.config().vocabSize();
        for (int t : prompt) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + vocab);
            }
        }
        int wanted = prompt.length + request.stop().maxTokens();
        if (wanted > maxModelLen) {
            throw new EngineRejectedException(EngineRejectedException.Reason.TOO_LONG, String.format(
                    "This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the "
                            + "prompt, %d for the completion). Please reduce the prompt or the completion length.",
                    maxModelLen, wanted, prompt.length, request.stop().maxTokens()), 0);
        }
        int n = request.n();
        int live = loop.live.addAndGet(n);
        if (live > config.maxSeqs() + config.maxWaiting()) {
            loop.live.addAndGet(-n);
            throw new EngineRejectedException(EngineRejectedException.Reason.QUEUE_FULL, String.format(
                    "the server is busy: %d sequences running and %d waiting (limits %d and %d); retry later",
                    Math.min(live - n, config.maxSeqs()), Math.max(0, live - n - config.maxSeqs()), config.maxSeqs(),
                    config.maxWaiting()), 1);
        }
        pendingSequences.addAndGet(n);
        RequestState rq = new RequestState(request, listener, this::wakeUp);
        for (int i = 0; i < n; i++) {
            String id = request.requestId() + "#" + sequenceIds.incrementAndGet();
            Sampler sampler = new Sampler(request.sampling().withSeed(request.sampling().seed() + i), prompt);
            SeqState st = new SeqState(rq, i, sampler, tokenizer.detokenizer());
            rq.sequences[i] = new Sequence(id, prompt, request.cacheSalt(), i == 0 && request.promptLogprobs(), st);
        }
        incoming.add(rq);
        wakeUp();
        return rq;
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    private void wakeUp() {
        LockSupport.unpark(thread);
    }

    private void run() {
        while (!closed) {
            try {
                RequestState rq;
                while ((rq = incoming.poll()) != null) {
                    pendingSequences.addAndGet(-rq.sequences.length);
                    loop.admit(rq);
                }
                loop.abortCancelled();
                boolean worked = scheduler.hasWork() && loop.step();
                publishStats();
                if (!worked) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
                }
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "engine step failed", e);
                loop.abortAll();
            }
        }
        RequestState rq;
        while ((rq = incoming.poll()) != null) {
            loop.admit(rq);
        }
        loop.abortAll();
        publishStats();
    }

    private void publishStats() {
        KvCacheManager kv = scheduler.kv();
        stats = new EngineStats(scheduler.numRunning(), scheduler.numWaiting() + pendingSequences.get(), kv.usage(),
                kv.blockSize(), kv.pool().numBlocks(), KvCache.bytesPerToken(model.config(), cache.type()),
                kv.queriedTokens(), kv.hitTokens(), loop.promptTokens, loop.generationTokens,
                scheduler.preemptions(), loop.finishedSequences);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeUp();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pass.close();
        cache.close();
        ops.close();
        model.close();
    }
}
