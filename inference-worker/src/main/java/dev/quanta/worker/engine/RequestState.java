package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.scheduler.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A submitted request inside the engine: its sequences, listener and counters. Step-thread state. */
final class RequestState implements RequestHandle {

    final EngineRequest request;
    final RequestListener listener;
    final Sequence[] sequences;             // [n] sequence i of the request
    final List<Sequence> pendingForks = new ArrayList<>(); // children waiting for the parent's prompt
    final AtomicBoolean cancelled = new AtomicBoolean();
    final List<TokenLogProb[]> promptLogprobs; // [promptTokens] filled while the prompt is computed; null if not asked
    private final Runnable wakeUp;
    int finishedSequences;
    boolean failed;

    RequestState(EngineRequest request, RequestListener listener, Runnable wakeUp) {
        this.request = request;
        this.listener = listener;
        this.wakeUp = wakeUp;
        this.sequences = new Sequence[request.n()];
        this.promptLogprobs = request.promptLogprobs() ? new ArrayList<>() : null;
    }

    @Override
    public String requestId() {
        return request.requestId();
    }

    @Override
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            wakeUp.run();
        }
    }

    boolean done() {
        return failed || finishedSequences == sequences.length;
    }

    Usage usage() {
        int generated = 0;
        for (Sequence s : sequences) {
            generated += s.numGenerated();
        }
        return new Usage(request.promptTokensRef().length, generated, sequences[0].numCachedPromptTokens());
    }
}
