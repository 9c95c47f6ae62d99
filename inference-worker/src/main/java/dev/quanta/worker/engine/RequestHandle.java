package dev.quanta.worker.engine;

/** A submitted request. */
public interface RequestHandle {

    String requestId();

    /**
     * Ends every sequence of the request at the next step (client disconnect): their blocks are freed at once,
     * full prompt blocks stay cached. Listeners get {@link FinishReason#ABORT}. Idempotent; safe from any thread.
     */
    void cancel();
}
