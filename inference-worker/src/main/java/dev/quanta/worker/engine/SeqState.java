package dev.quanta.worker.engine;

import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.tokenizer.Detokenizer;

/** The engine's per-sequence state beside the scheduler's {@code Sequence}: sampling, text and stop checks. */
final class SeqState {

    final RequestState request;
    final int index;             // which of the request's n sequences
    final Sampler sampler;       // its own random stream and penalty counts: survives preemption
    final Detokenizer detokenizer;
    final StopStrings stops;

    SeqState(RequestState request, int index, Sampler sampler, Detokenizer detokenizer) {
        this.request = request;
        this.index = index;
        this.sampler = sampler;
        this.detokenizer = detokenizer;
        this.stops = new StopStrings(request.request.stop().stop());
    }
}
