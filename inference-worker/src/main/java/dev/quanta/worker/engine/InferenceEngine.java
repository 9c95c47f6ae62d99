package dev.quanta.worker.engine;

import dev.quanta.worker.model.LlamaModel;
import dev.quanta.worker.tokenizer.Tokenizer;

/**
 * The serving core's one entry: a loaded model and the step loop that serves every admitted request (continuous
 * batching, paged KV blocks, prefix caching). Thread-safe: {@link #submit} and {@link RequestHandle#cancel} may be
 * called from any thread; listeners are called from the step thread.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The loaded model: config, mapped file (metadata for the chat template), path. Read-only. */
    LlamaModel model();

    /** The tokenizer of the loaded model (thread-safe, read-only). */
    Tokenizer tokenizer();

    /** Positions one sequence may hold (prompt + generated). */
    int maxModelLen();

    /**
     * Queues a request.
     *
     * @throws EngineRejectedException when it is not admitted (queue full, can never fit, shutting down)
     */
    RequestHandle submit(EngineRequest request, RequestListener listener);

    EngineStats stats();

    /** Stops admitting, cancels what is queued or running (listeners get ABORT), stops the step thread. */
    @Override
    void close();
}
