package dev.quanta.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Worker A = new Worker("a", "m", "http://a");
    private static final Worker B = new Worker("b", "m", "http://b");
    private static final Worker C = new Worker("c", "m", "http://c");

    private static Candidate idle(Worker w) {
        return new Candidate(w, WorkerLoad.UNKNOWN);
    }

    private static Candidate loaded(Worker w, double waiting, double kv) {
        return new Candidate(w, new WorkerLoad(waiting, 0, kv, 0, 0));
    }

    private static Router router(Strategy strategy) {
        return new Router(strategy, Weights.DEFAULT, new PrefixHasher(8, 256), new PrefixIndex(1000));
    }

    @Test
    void roundRobinVisitsEveryWorkerInTurn() {
        Router router = router(Strategy.ROUND_ROBIN);
        List<Candidate> all = List.of(idle(C), idle(A), idle(B));
        List<String> chosen = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Decision d = router.route("m", all, new long[0], null);
            assertThat(d.reason()).isEqualTo(Decision.Reason.ROUND_ROBIN);
            assertThat(d.order()).hasSize(3);
            chosen.add(d.chosen().id());
        }
        assertThat(chosen).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void leastLoadedPrefersTheShorterQueueAndFreerCache() {
        Router router = router(Strategy.LEAST_LOADED);
        Decision d = router.route("m", List.of(loaded(A, 5, 0.1), loaded(B, 0, 0.1), loaded(C, 2, 0.9)),
                new long[0], null);
        assertThat(d.order()).extracting(Worker::id).containsExactly("b", "a", "c");
        assertThat(d.reason()).isEqualTo(Decision.Reason.LOAD);
    }

    @Test
    void prefixAwareReturnsToTheWorkerThatServedTheSharedPrefix() {
        Router router = router(Strategy.PREFIX_AWARE);
        String shared = "You are a helpful assistant who tells short stories. ".repeat(4);
        long[] first = router.hashes("m", shared + "Tell one about a cat.");
        Decision d1 = router.route("m", List.of(idle(A), idle(B)), first, null);
        router.served(d1.chosen(), first);
        for (int i = 0; i < 5; i++) {
            long[] next = router.hashes("m", shared + "Tell one about dog number " + i);
            Decision d = router.route("m", List.of(idle(A), idle(B)), next, null);
            assertThat(d.chosen()).isEqualTo(d1.chosen());
            assertThat(d.reason()).isEqualTo(Decision.Reason.PREFIX_HIT);
            router.served(d.chosen(), next);
        }
    }

    @Test
    void loadOutweighsAWeakPrefixMatch() {
        Router router = router(Strategy.PREFIX_AWARE);
        long[] h = router.hashes("m", "12345678" + "abcdefgh".repeat(9)); // 10 blocks
        router.served(A, router.hashes("m", "12345678")); // A holds 1 of 10 blocks: prefix score 0.1
        Decision d = router.route("m", List.of(loaded(A, 10, 0.9), loaded(B, 0, 0.0)), h, null);
        assertThat(d.chosen()).isEqualTo(B);
        assertThat(d.reason()).isEqualTo(Decision.Reason.LOAD);
    }

    @Test
    void idleWorkersWithoutPrefixShareTheLoad() {
        Router router = router(Strategy.PREFIX_AWARE);
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(router.route("m", List.of(idle(A), idle(B)), new long[0], null).chosen().id());
        }
        assertThat(chosen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void sessionHeaderPinsAWorkerWhateverTheLoad() {
        Router router = router(Strategy.PREFIX_AWARE);
        Worker first = router.route("m", List.of(idle(A), idle(B), idle(C)), new long[0], "user-42").chosen();
        for (int i = 0; i < 5; i++) {
            Decision d = router.route("m", List.of(loaded(C, i, 0.5), idle(B), loaded(A, 3, 0.2)), new long[0],
                    "user-42");
            assertThat(d.chosen()).isEqualTo(first);
            assertThat(d.reason()).isEqualTo(Decision.Reason.SESSION_AFFINITY);
        }
    }

    @Test
    void runningRequestsCountAsQueueDepth() {
        Router router = router(Strategy.LEAST_LOADED);
        Decision d = router.route("m", List.of(new Candidate(A, new WorkerLoad(0, 4, 0, 0, 0)), idle(B)),
                new long[0], null);
        assertThat(d.chosen()).isEqualTo(B);
    }

    @Test
    void singleCandidateIsChosenWithoutScoring() {
        Decision d = router(Strategy.PREFIX_AWARE).route("m", List.of(idle(A)), new long[0], null);
        assertThat(d.chosen()).isEqualTo(A);
        assertThat(d.reason()).isEqualTo(Decision.Reason.SINGLE_CANDIDATE);
    }
}
