package dev.quanta.worker.scheduler;

import dev.quanta.worker.kv.BlockCopy;
import dev.quanta.worker.kv.ComputedBlocks;
import dev.quanta.worker.kv.KvBlock;
import dev.quanta.worker.kv.KvCacheManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decides each step's work (vLLM v1's scheduler, FCFS).
 *
 * <ol>
 *   <li>Running sequences, oldest first, each get their uncomputed tokens (one for a decoding sequence, the rest of
 *       its prompt for one mid-prefill) within the token budget. When the KV pool cannot hold them, the newest
 *       running sequence is preempted (its blocks freed, to be recomputed later) until they fit.</li>
 *   <li>If nothing was preempted, waiting sequences, oldest first, are admitted while sequences, tokens, logit rows
 *       and blocks allow: the prefix cache supplies what it can, and the rest of the prompt is a chunk as large as
 *       the budget leaves (chunked prefill), so a long prompt never stalls the running streams.</li>
 * </ol>
 * The engine then computes the chunks, calls {@link #onComputed}, samples for sequences that caught up and
 * {@link #finish}es those that end. Not thread-safe: the step thread owns it.
 */
public final class Scheduler {

    private final SchedulerConfig config;
    private final KvCacheManager kv;
    private final Deque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private long preemptions;

    public Scheduler(SchedulerConfig config, KvCacheManager kv) {
        this.config = config;
        this.kv = kv;
    }

    public KvCacheManager kv() {
        return kv;
    }

    /** Queues a new sequence at the tail. */
    public void add(Sequence s) {
        if (s.status() != Sequence.Status.WAITING) {
            throw new IllegalStateException(s + " is not new");
        }
        waiting.addLast(s);
    }

    /**
     * Starts {@code child} (a sequence with the same prompt, of a request with {@code n > 1}) from {@code parent}'s
     * computed tokens: it shares the parent's full blocks and gets a copy of a partly filled last block. When no
     * sequence slot or block is free for it, it is queued as a new sequence instead (the prefix cache then gives it
     * the parent's full blocks).
     *
     * @return the block copy the engine must perform before the next forward pass, or null (none needed, or queued)
     */
    public BlockCopy fork(Sequence parent, Sequence child) {
        if (running.size() < config.maxSeqs()) {
            KvCacheManager.Fork f = kv.fork(parent.kvId(), child, parent.numComputed());
            if (f != null) {
                child.forkedFrom(parent);
                running.add(child);
                return f.copy();
            }
        }
        add(child);
        return null;
    }

    public int numWaiting() {
        return waiting.size();
    }

    public int numRunning() {
        return running.size();
    }

    public long preemptions() {
        return preemptions;
    }

    public boolean hasWork() {
        return !waiting.isEmpty() || !running.isEmpty();
    }

    /** The next step's work (possibly empty when nothing fits yet). */
    public SchedulerOutput schedule() {
        int budget = config.maxBatchedTokens();
        int rows = config.maxLogitRows();
        List<ScheduledChunk> chunks = new ArrayList<>();
        List<Sequence> preempted = new ArrayList<>();

        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence s = running.get(i);
            int n = chunkSize(s, s.numComputed(), budget, rows);
            if (n == 0) {
                continue;
            }
            List<KvBlock> blocks;
            while ((blocks = kv.allocate(s, s.numComputed(), n, null)) == null) {
                Sequence victim = running.removeLast();
                kv.free(victim.kvId());
                victim.preempted();
                preempted.add(victim);
                preemptions++;
                if (victim == s) {
                    break;
                }
            }
            if (blocks == null) {
                break; // s itself was preempted: nothing after it is running any more
            }
            ScheduledChunk c = new ScheduledChunk(s, s.numComputed(), n, table(blocks));
            chunks.add(c);
            budget -= n;
            rows -= c.logitRows();
        }
        // preempted sequences go back to the head of the queue, oldest first
        for (int i = preempted.size() - 1; i >= 0; i--) {
            waiting.addFirst(preempted.get(i));
        }

        if (preempted.isEmpty()) {
            while (!waiting.isEmpty() && budget > 0 && rows > 0 && running.size() < config.maxSeqs()) {
                Sequence s = waiting.peekFirst();
                ComputedBlocks hit = s.wantsPromptLogits() ? ComputedBlocks.NONE : kv.computedBlocks(s);
                int n = chunkSize(s, hit.numTokens(), budget, rows);
                if (n == 0) {
                    break;
                }
                List<KvBlock> blocks = kv.allocate(s, hit.numTokens(), n, hit);
                if (blocks == null) {
                    break; // FCFS: the head waits for room, nobody overtakes it
                }
                waiting.pollFirst();
                kv.recordLookup(s.numTokens(), hit.numTokens());
                s.admitted(hit.numTokens(), hit.heldTokens());
                running.add(s);
                ScheduledChunk c = new ScheduledChunk(s, s.numComputed(), n, table(blocks));
                chunks.add(c);
                budget -= n;
                rows -= c.logitRows();
            }
        }
        return new SchedulerOutput(List.copyOf(chunks), List.copyOf(preempted));
    }

    /**
     * After the step computed {@code chunk}: advances the sequence and makes its newly full blocks findable by hash.
     */
    public void onComputed(ScheduledChunk chunk) {
        Sequence s = chunk.seq();
        s.advance(chunk.numTokens());
        kv.cacheBlocks(s, s.numComputed());
    }

    /** Removes {@code s} wherever it is and frees its blocks (cached full blocks stay reusable). Idempotent. */
    public void finish(Sequence s) {
        if (s.status() == Sequence.Status.FINISHED) {
            return;
        }
        running.remove(s);
        waiting.remove(s);
        kv.free(s.kvId());
        s.finished();
    }

    /** Tokens of {@code s} to compute now: its uncomputed ones, within the token and logit-row budgets. */
    private static int chunkSize(Sequence s, int computed, int budget, int rows) {
        int n = Math.min(s.numTokens() - computed, budget);
        if (s.wantsPromptLogits()) {
            return Math.min(n, rows); // every prompt token takes a logit row
        }
        if (rows < 1 && computed + n == s.numTokens()) {
            return n - 1; // no row left for its last token: compute the rest now, the last one next step
        }
        return n;
    }

    private static int[] table(List<KvBlock> blocks) {
        int[] t = new int[blocks.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = blocks.get(i).id();
        }
        return t;
    }

    /** Waiting sequences, head first (tests and diagnostics). */
    public List<Sequence> waiting() {
        return List.copyOf(waiting);
    }

    /** Running sequences, oldest first (tests and diagnostics). */
    public List<Sequence> running() {
        return List.copyOf(running);
    }
}
