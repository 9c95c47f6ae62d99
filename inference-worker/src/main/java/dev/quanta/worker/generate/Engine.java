package dev.quanta.worker.generate;

import dev.quanta.kernels.JavaKernelOps;
import dev.quanta.kernels.KernelConfig;
import dev.quanta.kernels.KernelOps;
import dev.quanta.kernels.Kernels;
import dev.quanta.worker.model.ForwardPass;
import dev.quanta.worker.model.KvCache;
import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.tokenizer.Tokenizer;
import dev.quanta.worker.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Everything the command line needs to run one model: the mapped weights, tokenizer, kernels, a KV cache for one
 * sequence and the forward pass. Close it to release them (in reverse order of creation).
 */
public final class Engine implements AutoCloseable {

    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final KernelOps ops;
    private final KvCache cache;
    private final ForwardPass pass;
    private final Generator generator;

    private final int contextSize;

    private Engine(LlamaModel model, Tokenizer tokenizer, KernelOps ops, KvCache cache, ForwardPass pass,
                   int contextSize) {
        this.contextSize = contextSize;
        this.model = model;
        this.tokenizer = tokenizer;
        this.ops = ops;
        this.cache = cache;
        this.pass = pass;
        this.generator = new Generator(pass);
    }

    /**
     * Opens {@code path} and builds the engine.
     *
     * @param progress receives bytes of weights paged in so far while loading (null: do not pre-load)
     */
    public static Engine open(Path path, EngineOptions options, LongConsumer progress) throws IOException {
        LlamaModel model = LlamaModel.open(path, progress);
        KernelOps ops = null;
        KvCache cache = null;
        try {
            Tokenizer tokenizer = Tokenizers.fromGguf(model.file().metadata());
            int context = options.contextSize() > 0
                    ? options.contextSize()
                    : Math.min(model.config().contextLength(), EngineOptions.DEFAULT_MAX_CONTEXT);
            ops = options.javaKernels() ? new JavaKernelOps() : Kernels.create(KernelConfig.withThreads(options.threads()));
            cache = new KvCache(model.config(), (context + KvCache.DEFAULT_BLOCK_SIZE - 1) / KvCache.DEFAULT_BLOCK_SIZE,
                    KvCache.DEFAULT_BLOCK_SIZE, options.kvType());
            ForwardPass pass = new ForwardPass(model, cache, ops, Math.min(options.batchSize(), context), 1);
            return new Engine(model, tokenizer, ops, cache, pass, context);
        } catch (IOException | RuntimeException | Error e) {
            if (cache != null) {
                cache.close();
            }
            if (ops != null) {
                ops.close();
            }
            model.close();
            throw e;
        }
    }

    public LlamaModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public KernelOps kernels() {
        return ops;
    }

    public ForwardPass pass() {
        return pass;
    }

    public Generator generator() {
        return generator;
    }

    /** The block table of a session, for callers that build their own batches (the benchmark). */
    public int[] sessionBlocks(Session session) {
        return session.blockTable();
    }

    /** A fresh sequence over the whole cache. */
    public Session newSession() {
        return new Session(cache, contextSize);
    }

    @Override
    public void close() {
        pass.close();
        cache.close();
        ops.close();
        model.close();
    }
}
