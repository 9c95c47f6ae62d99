package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyThreadRunsEachTaskExactlyOnceWithItsOwnIndex() {
        try (WorkerPool pool = new WorkerPool(3, "test-pool")) {
            ConcurrentHashMap<Integer, Thread> seen = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            pool.run((worker, n) -> {
                assertThat(n).isEqualTo(3);
                seen.put(worker, Thread.currentThread());
                calls.incrementAndGet();
            });
            assertThat(calls).hasValue(3);
            assertThat(seen).containsOnlyKeys(0, 1, 2);
            assertThat(seen.get(0)).isSameAs(Thread.currentThread());
            assertThat(seen.values()).doesNotHaveDuplicates();
        }
    }

    @Test
    void manyBackToBackTasksAllCompleteBeforeRunReturns() {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            AtomicLong sum = new AtomicLong();
            for (int i = 0; i < 5_000; i++) {
                long before = sum.get();
                pool.run((worker, n) -> sum.addAndGet(worker + 1));
                assertThat(sum.get() - before).isEqualTo(3);
            }
        }
    }

    @Test
    void tasksResumeAfterWorkersHaveParked() throws InterruptedException {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            AtomicInteger calls = new AtomicInteger();
            pool.run((worker, n) -> calls.incrementAndGet());
            Thread.sleep(200); // long past the spin phase: the helper is parked
            pool.run((worker, n) -> calls.incrementAndGet());
            assertThat(calls).hasValue(4);
        }
    }

    @Test
    void aFailureOnAHelperThreadIsRethrownToTheCaller() {
        try (WorkerPool pool = new WorkerPool(2, "test-pool")) {
            assertThatThrownBy(() -> pool.run((worker, n) -> {
                if (worker == 1) {
                    throw new IllegalArgumentException("boom on helper");
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom on helper");
            AtomicInteger calls = new AtomicInteger();
            pool.run((worker, n) -> calls.incrementAndGet());
            assertThat(calls).as("pool still usable").hasValue(2);
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
