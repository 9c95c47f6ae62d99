package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void helpersJoinTheTaskWithTheirOwnIndexWhileTheCallerIsBusy() {
        try (WorkerPool pool = new WorkerPool(3, "test-pool")) {
            ConcurrentHashMap<Integer, Thread> seen = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            pool.run((worker, n) -> {
                assertThat(n).isEqualTo(3);
                seen.put(worker, Thread.currentThread());
                calls.incrementAndGet();
                if (worker == 0) { // the caller's share lasts until both helpers have joined (or 10 s)
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (calls.get() < 3 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                }
            });
            assertThat(calls).hasValue(3);
            assertThat(seen).containsOnlyKeys(0, 1, 2);
            assertThat(seen.get(0)).isSameAs(Thread.currentThread());
            assertThat(seen.values()).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyParticipantHasFinishedWhenRunReturns() {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger callerRuns = new AtomicInteger();
            for (int i = 0; i < 5_000; i++) {
                pool.run((worker, n) -> {
                    inside.incrementAndGet();
                    if (worker == 0) {
                        callerRuns.incrementAndGet();
                    }
                    for (int k = 0; k < 100; k++) {
                        Thread.onSpinWait();
                    }
                    inside.decrementAndGet();
                });
                assertThat(inside.get()).as("threads still inside task %d", i).isZero();
            }
            assertThat(callerRuns).as("the caller always takes part").hasValue(5_000);
        }
    }

    @Test
    void dynamicallyClaimedWorkIsDoneExactlyOnceWhateverHelpersJoin() {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            int chunks = 64;
            for (int round = 0; round < 2_000; round++) {
                AtomicInteger next = new AtomicInteger();
                java.util.concurrent.atomic.AtomicIntegerArray doneChunks =
                        new java.util.concurrent.atomic.AtomicIntegerArray(chunks);
                pool.run((worker, n) -> {
                    for (int c; (c = next.getAndIncrement()) < chunks; ) {
                        doneChunks.incrementAndGet(c);
                    }
                });
                for (int c = 0; c < chunks; c++) {
                    assertThat(doneChunks.get(c)).as("round %d chunk %d", round, c).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void tasksResumeAfterWorkersHaveParked() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
            pool.run((worker, n) -> seen.put(worker, true));
            Thread.sleep(200); // long past the spin phase: the helper is parked
            // the caller's share waits for the helper, which must be woken from park to join
            pool.run((worker, n) -> {
                seen.put(worker + 10, true);
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (worker == 0 && !seen.containsKey(11) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            });
            assertThat(seen).containsKeys(10, 11);
        }
    }

    @Test
    void aFailureOnAHelperThreadIsRethrownToTheCaller() {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            AtomicInteger helperRan = new AtomicInteger();
            assertThatThrownBy(() -> pool.run((worker, n) -> {
                if (worker == 1) {
                    helperRan.set(1);
                    throw new IllegalArgumentException("boom on helper");
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (helperRan.get() == 0 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // keep the caller busy until the helper has joined
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom on helper");
            AtomicInteger calls = new AtomicInteger();
            pool.run((worker, n) -> calls.incrementAndGet());
            assertThat(calls.get()).as("pool still usable").isBetween(1, 2);
        }
    }

    @Test
    void aSingleThreadPoolRunsOnTheCaller() {
        try (WorkerPool pool = new WorkerPool(1, "test-pool")) {
            Thread[] ran = new Thread[1];
            pool.run((worker, n) -> ran[0] = Thread.currentThread());
            assertThat(ran[0]).isSameAs(Thread.currentThread());
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2, "test-pool");
        pool.close();
        pool.close();
        assertThatThrownBy(() -> pool.run((worker, n) -> {})).isInstanceOf(IllegalStateException.class);
    }
}
