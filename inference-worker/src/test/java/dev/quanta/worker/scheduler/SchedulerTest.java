package dev.quanta.worker.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.worker.kv.BlockCopy;
import dev.quanta.worker.kv.KvCacheManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on a toy pool (12 blocks of 16 tokens) with no model: a "step" computes what was scheduled and, for
 * each sequence that caught up, appends token 7 (what an engine would sample).
 */
class SchedulerTest {

    private KvCacheManager kv = new KvCacheManager(12, 16, "toy", true);
    private Scheduler scheduler = new Scheduler(new SchedulerConfig(64, 4, 8, 16), kv);
    private final List<Sequence> all = new ArrayList<>();

    @AfterEach
    void everyBlockEndsFreeOrMerelyCached() {
        for (Sequence s : all) {
            scheduler.finish(s);
        }
        assertThat(scheduler.numRunning()).isZero();
        assertThat(scheduler.numWaiting()).isZero();
        assertThat(kv.pool().numFree()).isEqualTo(kv.pool().numBlocks());
        assertThat(kv.numSequences()).isZero();
    }

    private Sequence seq(String id, int promptLength, int base) {
        int[] p = new int[promptLength];
        Arrays.setAll(p, i -> base + i);
        Sequence s = new Sequence(id, p, null, false, null);
        all.add(s);
        return s;
    }

    /** Computes the step's chunks; sequences that caught up "sample" token 7. */
    private SchedulerOutput step() {
        SchedulerOutput out = scheduler.schedule();
        for (ScheduledChunk c : out.chunks()) {
            boolean completes = c.completes();
            scheduler.onComputed(c);
            if (completes) {
                c.seq().append(7);
            }
        }
        return out;
    }

    private static List<String> summary(SchedulerOutput out) {
        return out.chunks().stream().map(c -> c.seq().id() + "@" + c.start() + "+" + c.numTokens()).toList();
    }

    @Test
    void decodesRunningSequencesFirstThenFillsTheBudgetWithPromptChunks() {
        Sequence a = seq("a", 20, 0);
        scheduler.add(a);
        assertThat(summary(step())).containsExactly("a@0+20");
        Sequence b = seq("b", 100, 1000);
        scheduler.add(b);
        // a's next token first, then as much of b's prompt as the 64-token budget leaves
        assertThat(summary(step())).containsExactly("a@20+1", "b@0+63");
        assertThat(summary(step())).containsExactly("a@21+1", "b@63+37");
        assertThat(summary(step())).containsExactly("a@22+1", "b@100+1");
        assertThat(b.numGenerated()).isEqualTo(2);
    }

    @Test
    void blockTablesCoverEveryScheduledToken() {
        Sequence a = seq("a", 33, 0);
        scheduler.add(a);
        SchedulerOutput out = step();
        assertThat(out.chunks().getFirst().blockTable()).containsExactly(0, 1, 2);
        assertThat(summary(step())).containsExactly("a@33+1");
    }

    @Test
    void admitsAtMostMaxSeqsAndKeepsTheRestWaitingInOrder() {
        for (int i = 0; i < 6; i++) {
            scheduler.add(seq("s" + i, 4, 100 * i));
        }
        assertThat(summary(step())).containsExactly("s0@0+4", "s1@0+4", "s2@0+4", "s3@0+4");
        assertThat(scheduler.waiting()).extracting(Sequence::id).containsExactly("s4", "s5");
        scheduler.finish(all.get(1));
        assertThat(summary(step())).containsExactly("s0@4+1", "s2@4+1", "s3@4+1", "s4@0+4");
    }

    @Test
    void reusesAnotherRequestsCachedPrefixOnAdmission() {
        Sequence a = seq("a", 40, 0);
        scheduler.add(a);
        step();
        scheduler.finish(a);
        Sequence b = seq("b", 45, 0); // same first 40 tokens
        scheduler.add(b);
        SchedulerOutput out = step();
        assertThat(summary(out)).containsExactly("b@32+13");
        assertThat(out.chunks().getFirst().blockTable()).startsWith(0, 1);
        assertThat(b.numCachedPromptTokens()).isEqualTo(32);
        assertThat(kv.queriedTokens()).isEqualTo(40 + 45);
        assertThat(kv.hitTokens()).isEqualTo(32);
    }

    @Test
    void aFullyCachedPromptComputesOnlyItsLastTokenAndDoesNotStoreItsKvAgain() {
        Sequence a = seq("a", 32, 0);
        scheduler.add(a);
        step();
        scheduler.finish(a);
        Sequence b = seq("b", 32, 0); // the same 32 tokens: two full blocks, both cached
        scheduler.add(b);
        SchedulerOutput out = step();
        assertThat(summary(out)).containsExactly("b@31+1");
        assertThat(out.chunks().getFirst().blockTable()).containsExactly(0, 1);
        assertThat(b.kvHeldTokens()).isEqualTo(32);
        assertThat(b.numCachedPromptTokens()).isEqualTo(31);
        assertThat(kv.hitTokens()).isEqualTo(31);
        // its next token goes to a block of its own
        assertThat(summary(step())).containsExactly("b@32+1");
        assertThat(kv.blockTable(b.kvId())).hasSize(3);
    }

    @Test
    void preemptsTheNewestSequenceWhenBlocksRunOutAndResumesItByRecompute() {
        Sequence a = seq("a", 96, 0);      // 6 blocks
        Sequence b = seq("b", 80, 5000);   // 5 blocks: 11 of 12 in use
        scheduler = new Scheduler(new SchedulerConfig(256, 4, 8, 16), kv);
        scheduler.add(a);
        scheduler.add(b);
        assertThat(summary(step())).containsExactly("a@0+96", "b@0+80");
        // each needs a new block for its next token; only one is free: a (older) gets it, b is preempted
        assertThat(kv.pool().numFree()).isEqualTo(1);
        SchedulerOutput out = step();
        assertThat(summary(out)).containsExactly("a@96+1");
        assertThat(out.preempted()).containsExactly(b);
        assertThat(b.status()).isEqualTo(Sequence.Status.PREEMPTED);
        assertThat(b.numComputed()).isZero();
        assertThat(scheduler.preemptions()).isEqualTo(1);
        assertThat(scheduler.waiting()).containsExactly(b);
        // a finishes; b resumes: its full prompt blocks are still cached, the rest (and its token) is recomputed
        scheduler.finish(a);
        out = step();
        assertThat(summary(out)).containsExactly("b@80+1");
        assertThat(b.numGenerated()).isEqualTo(2);
        assertThat(b.numCachedPromptTokens()).isZero(); // the first admission's count is what usage reports
    }

    @Test
    void waitingSequencesDoNotOvertakeAHeadThatDoesNotFit() {
        Sequence big = seq("big", 16 * 8, 0);
        Sequence a = seq("a", 16 * 5, 10000);
        scheduler = new Scheduler(new SchedulerConfig(512, 4, 8, 16), kv);
        scheduler.add(a);
        step();
        scheduler.add(big);
        scheduler.add(seq("small", 3, 20000));
        SchedulerOutput out = step();
        assertThat(summary(out)).containsExactly("a@80+1");
        assertThat(scheduler.waiting()).extracting(Sequence::id).containsExactly("big", "small");
    }

    @Test
    void aPromptNeedingEveryLogitRowIsChunkedByTheRowBudget() {
        Sequence e = new Sequence("echo", new int[20], null, true, null);
        all.add(e);
        scheduler.add(e);
        SchedulerOutput out = scheduler.schedule();
        assertThat(summary(out)).containsExactly("echo@0+8");
        assertThat(out.chunks().getFirst().logitRows()).isEqualTo(8);
        scheduler.onComputed(out.chunks().getFirst());
    }

    @Test
    void forkedChildrenShareThePromptAndCopyItsPartialBlock() {
        Sequence parent = seq("p", 20, 0);
        scheduler.add(parent);
        step();
        Sequence child = new Sequence("c", Arrays.copyOf(parent.tokens(), 20), null, false, null);
        all.add(child);
        // fork before the parent's sampled token: the child starts from the same 20 computed tokens
        Sequence twin = new Sequence("t", Arrays.copyOf(parent.tokens(), 21), null, false, null);
        all.add(twin);
        BlockCopy copy = scheduler.fork(parent, twin);
        assertThat(copy).isEqualTo(new BlockCopy(1, 2));
        assertThat(twin.numComputed()).isEqualTo(20);
        assertThat(kv.blockTable("t")).containsExactly(0, 2);
        assertThat(kv.pool().block(0).refCount()).isEqualTo(2);
        assertThat(scheduler.running()).containsExactly(parent, twin);
        assertThat(child.status()).isEqualTo(Sequence.Status.WAITING);
    }

    @Test
    void aForkBeyondMaxSeqsWaitsAsANewSequence() {
        scheduler = new Scheduler(new SchedulerConfig(64, 1, 8, 16), kv);
        Sequence parent = seq("p", 20, 0);
        scheduler.add(parent);
        scheduler.onComputed(scheduler.schedule().chunks().getFirst());
        Sequence twin = new Sequence("t", Arrays.copyOf(parent.tokens(), 20), null, false, null);
        all.add(twin);
        assertThat(scheduler.fork(parent, twin)).isNull();
        assertThat(scheduler.waiting()).containsExactly(twin);
        assertThat(kv.blocks("t")).isEmpty();
    }
}
