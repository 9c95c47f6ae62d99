package dev.quanta.worker.engine;

import dev.quanta.worker.kv.BlockCopy;
import dev.quanta.worker.model.Batch;
import dev.quanta.worker.model.ForwardPass;
import dev.quanta.worker.model.KvCache;
import dev.quanta.worker.sampling.LogProbs;
import dev.quanta.worker.sampling.Sampler;
import dev.quanta.worker.sampling.TokenLogProb;
import dev.quanta.worker.scheduler.ScheduledChunk;
import dev.quanta.worker.scheduler.Scheduler;
import dev.quanta.worker.scheduler.SchedulerOutput;
import dev.quanta.worker.scheduler.Sequence;
import dev.quanta.worker.tokenizer.Tokenizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One engine step: schedule → forward → sample → emit. There is no prefill or decode phase: the batch holds each
 * running sequence's next token and chunks of prompts alike, and whichever sequence has computed all its known
 * tokens samples its next one from its logits row. Runs on the engine's step thread only.
 */
final class StepLoop {

    private static final Logger LOG = Logger.getLogger(StepLoop.class.getName());
    private static final TokenLogProb[] NONE = new TokenLogProb[0];

    private final Scheduler scheduler;
    private final ForwardPass pass;
    private final KvCache cache;
    private final Tokenizer tokenizer;
    private final int maxModelLen;
    private final Batch batch;
    private final int vocab;
    private final float[] raw;   // [vocab] the logits row being sampled, as the model gave it
    private final float[] work;  // [vocab] the same row with end-of-generation masked (before min_tokens)
    private final int[] eogIds;  // end-of-generation ids, masked before min_tokens
    final List<RequestState> active = new ArrayList<>();
    /** Sequences submitted and not yet finished (incremented by submitters, decremented here): admission control. */
    final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();
    long generationTokens;
    long promptTokens;
    long finishedSequences;

    private Runnable publish = () -> {};

    /** Called after a sequence ends, before its listener hears of it: a finished client sees stats without it. */
    void onSequenceEnd(Runnable publishStats) {
        this.publish = publishStats;
    }

    StepLoop(Scheduler scheduler, ForwardPass pass, KvCache cache, Tokenizer tokenizer, int maxModelLen) {
        this.scheduler = scheduler;
        this.pass = pass;
        this.cache = cache;
        this.tokenizer = tokenizer;
        this.maxModelLen = maxModelLen;
        this.batch = new Batch(pass.maxTokens());
        this.vocab = pass.config().vocabSize();
        this.raw = new float[vocab];
        this.work = new float[vocab];
        List<Integer> eog = new ArrayList<>();
        for (int id = 0; id < Math.min(vocab, tokenizer.vocabSize()); id++) {
            if (tokenizer.isEog(id)) {
                eog.add(id);
            }
        }
        this.eogIds = eog.stream().mapToInt(Integer::intValue).toArray();
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /** Admits a request: its first sequence queues; the others wait to fork from it once its prompt is computed. */
    void admit(RequestState rq) {
        active.add(rq);
        promptTokens += rq.request.promptTokensRef().length;
        for (int i = 0; i < rq.sequences.length; i++) {
            Sequence s = rq.sequences[i];
            if (i == 0) {
                scheduler.add(s);
            } else {
                rq.pendingForks.add(s);
            }
        }
    }

    /** Ends every sequence of cancelled requests (ABORT), freeing their blocks. */
    void abortCancelled() {
        for (Iterator<RequestState> it = active.iterator(); it.hasNext(); ) {
            RequestState rq = it.next();
            if (rq.cancelled.get() && !rq.done()) {
                for (Sequence s : rq.sequences) {
                    if (s.status() != Sequence.Status.FINISHED) {
                        finish(s.owner(), FinishReason.ABORT, "");
                    }
                }
            }
            if (rq.done()) {
                it.remove();
            }
        }
    }

    /** Ends everything (shutdown). */
    void abortAll() {
        for (RequestState rq : active) {
            rq.cancelled.set(true);
        }
        abortCancelled();
    }

    /** Runs one step; returns false when there was nothing to compute. */
    boolean step() {
        SchedulerOutput out = scheduler.schedule();
        if (out.isEmpty()) {
            if (scheduler.numRunning() == 0 && scheduler.numWaiting() > 0) {
                // cannot happen for an admitted request (the pool holds a full-length sequence): fail it, not the loop
                Sequence head = scheduler.waiting().getFirst();
                fail(head.<SeqState>owner().request, new IllegalStateException("the KV cache cannot hold "
                        + head.numTokens() + " tokens"));
            }
            return false;
        }
        batch.clear();
        for (ScheduledChunk c : out.chunks()) {
            Sequence s = c.seq();
            for (int i = 0; i < c.numTokens(); i++) {
                int pos = c.start() + i;
                batch.add(s.token(pos), pos, c.blockTable(), c.wantsLogits(i), pos >= s.kvHeldTokens());
            }
        }
        MemorySegment logits;
        try {
            logits = pass.forward(batch);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.SEVERE, "forward pass failed; failing the requests in this step", e);
            for (ScheduledChunk c : out.chunks()) {
                fail(c.seq().<SeqState>owner().request, e);
            }
            return true;
        }
        int row = 0;
        for (ScheduledChunk c : out.chunks()) {
            Sequence s = c.seq();
            SeqState st = s.owner();
            boolean completes = c.completes();
            scheduler.onComputed(c);
            for (int i = 0; i < c.numTokens(); i++) {
                if (!c.wantsLogits(i)) {
                    continue;
                }
                int pos = c.start() + i;
                if (st.request.failed || st.request.cancelled.get()) {
                    row++;
                    continue;
                }
                long rowOffset = (long) row * vocab * 4;
                row++;
                boolean samples = completes && i == c.numTokens() - 1;
                if (samples && argmaxInPlace(st, s)) {
                    if (!st.request.done()) {
                        sample(st, s, Sampler.argmax(logits, rowOffset, vocab));
                    }
                    continue;
                }
                MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT_UNALIGNED, rowOffset, raw, 0, vocab);
                if (s.wantsPromptLogits() && pos < s.numPromptTokens() - 1) {
                    recordPromptLogprob(st.request, pos, s.token(pos + 1));
                }
                if (samples) {
                    if (s.wantsPromptLogits()) {
                        s.promptLogitsDone();
                        emitPromptLogprobs(st.request);
                    }
                    if (st.index == 0 && !st.request.pendingForks.isEmpty()) {
                        forkChildren(st.request, s);
                    }
                    if (!st.request.done()) {
                        sample(st, s);
                    }
                }
            }
        }
        return true;
    }

    /** The request's other sequences start from the first one's computed prompt, and sample from the same row. */
    private void forkChildren(RequestState rq, Sequence parent) {
        List<Sequence> children = new ArrayList<>(rq.pendingForks);
        rq.pendingForks.clear();
        for (Sequence child : children) {
            BlockCopy copy = scheduler.fork(parent, child);
            if (copy != null) {
                cache.copyBlock(copy.src(), copy.dst());
            }
            if (child.status() == Sequence.Status.RUNNING) {
                sample(child.owner(), child);
            }
        }
    }

    /**
     * Whether the token {@code s} samples from this row is all the step needs from it, and is its argmax: no prompt
     * log-probabilities, no sequences to fork from it, greedy with no penalty or bias, no {@code min_tokens} mask and
     * no log-probabilities of the token. The row is then read where the forward pass left it: copying a 128K-entry
     * row into the heap took longer than the argmax itself, on the step's serial path, for every sequence.
     */
    private static boolean argmaxInPlace(SeqState st, Sequence s) {
        RequestState rq = st.request;
        return !s.wantsPromptLogits() && rq.pendingForks.isEmpty() && st.sampler.isPlainArgmax()
                && rq.request.topLogprobs() < 0 && s.numGenerated() >= rq.request.stop().minTokens();
    }

    /** Samples the next token of {@code s} from {@link #raw}, emits it, and ends the sequence when a stop holds. */
    private void sample(SeqState st, Sequence s) {
        RequestState rq = st.request;
        StopConditions stop = rq.request.stop();
        float[] logits = raw; // the sampler never writes to it; only min_tokens needs a masked copy
        if (s.numGenerated() < stop.minTokens()) {
            System.arraycopy(raw, 0, work, 0, vocab);
            logits = work;
            for (int id : eogIds) {
                work[id] = Float.NEGATIVE_INFINITY;
            }
            for (int id : stop.stopTokenIds()) {
                if (id >= 0 && id < vocab) {
                    work[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        sample(st, s, st.sampler.sample(logits));
    }

    /** Emits {@code token} as the next token of {@code s} and ends the sequence when a stop holds. */
    private void sample(SeqState st, Sequence s, int token) {
        RequestState rq = st.request;
        StopConditions stop = rq.request.stop();
        st.sampler.accept(token);
        float logprob = Float.NaN;
        TokenLogProb[] top = NONE;
        int k = rq.request.topLogprobs();
        if (k >= 0) {
            logprob = LogProbs.of(raw, token);
            if (k > 0) {
                top = LogProbs.top(raw, k);
            }
        }
        s.append(token);
        generationTokens++;
        FinishReason reason = null;
        String text = "";
        boolean stopString = false;
        if ((!stop.ignoreEos() && tokenizer.isEog(token)) || stop.stopTokenIds().contains(token)) {
            reason = FinishReason.STOP;
        } else {
            StopStrings.Result r = st.stops.push(st.detokenizer.push(token));
            text = r.release();
            if (r.stopped()) {
                reason = FinishReason.STOP;
                stopString = true;
            }
        }
        if (reason == null && (s.numGenerated() >= stop.maxTokens() || s.numTokens() >= maxModelLen)) {
            reason = FinishReason.LENGTH;
        }
        try {
            rq.listener.onToken(new TokenOutput(st.index, token, text, logprob, top));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener of " + rq.requestId() + " failed; cancelling it", e);
            rq.cancelled.set(true);
            return;
        }
        if (reason != null) {
            String tail = stopString ? "" : st.stops.push(st.detokenizer.flush()).release() + st.stops.drain();
            finish(st, reason, tail);
        }
    }

    /** Takes {@code s} out of the scheduler (freeing its blocks) and out of the live count, once. */
    private void retire(Sequence s) {
        if (s.status() != Sequence.Status.FINISHED) {
            scheduler.finish(s);
            live.decrementAndGet();
        }
    }

    private void finish(SeqState st, FinishReason reason, String tail) {
        Sequence s = st.request.sequences[st.index];
        retire(s);
        RequestState rq = st.request;
        rq.finishedSequences++;
        finishedSequences++;
        publish.run();
        try {
            rq.listener.onFinish(st.index, reason, tail, rq.usage());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener of " + rq.requestId() + " failed in onFinish", e);
        }
    }

    private void fail(RequestState rq, Throwable error) {
        if (rq.failed) {
            return;
        }
        rq.failed = true;
        for (Sequence s : rq.sequences) {
            retire(s);
        }
        publish.run();
        try {
            rq.listener.onError(error);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "listener of " + rq.requestId() + " failed in onError", e);
        }
    }

    /** Prompt token {@code pos + 1}'s entry, from the logits at {@code pos} (once, even if recomputed). */
    private void recordPromptLogprob(RequestState rq, int pos, int nextToken) {
        if (rq.promptLogprobs.size() != pos) {
            return;
        }
        int k = Math.max(rq.request.topLogprobs(), 0);
        TokenLogProb[] entry = new TokenLogProb[1 + k];
        entry[0] = new TokenLogProb(nextToken, LogProbs.of(raw, nextToken));
        if (k > 0) {
            System.arraycopy(LogProbs.top(raw, k), 0, entry, 1, k);
        }
        rq.promptLogprobs.add(entry);
    }

    private void emitPromptLogprobs(RequestState rq) {
        List<TokenLogProb[]> all = new ArrayList<>(rq.promptLogprobs.size() + 1);
        all.add(null);
        all.addAll(rq.promptLogprobs);
        try {
            rq.listener.onPromptLogprobs(java.util.Collections.unmodifiableList(all));
        } catch (RuntimeException e) {
            rq.cancelled.set(true);
        }
    }
}
