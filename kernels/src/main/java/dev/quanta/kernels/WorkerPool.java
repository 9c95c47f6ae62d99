package dev.quanta.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of platform threads that run one {@link ParallelTask} at a time together with the caller.
 *
 * <p>Dispatch is a volatile generation counter: workers spin on it for a short while after each task (a forward
 * pass issues hundreds of matmuls per token back to back, so they find the next one while still spinning), then
 * yield a few times, then park; the caller unparks only workers that announced they parked. Completion is a countdown the caller
 * spins on, then parks on. Nothing is allocated per task.
 *
 * <p>NOTE: Java threads each calling a native row-range kernel were chosen over a pthread pool inside C: one pool
 * serves both implementations, parking cooperates with the JVM, and a downcall costs tens of nanoseconds against
 * the tens of microseconds of a row chunk.
 *
 * <p>Not re-entrant: one caller thread at a time.
 */
final class WorkerPool implements AutoCloseable {

    /** onSpinWait iterations before a waiting thread starts yielding (some tens of µs). */
    private static final int SPINS = 4_000;
    /** Thread.yield calls after spinning and before parking (lets other work run on an oversubscribed CPU). */
    private static final int YIELDS = 50;

    private final int size;
    private final Thread[] workers; // size - 1 helpers; the caller is worker 0
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger[] parked; // 1 when helper i is (about to be) parked
    private volatile int generation;
    private volatile ParallelTask task;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile boolean callerParked;
    private volatile Throwable failure;

    WorkerPool(int size, String namePrefix) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be >= 1, got " + size);
        }
        this.size = size;
        this.workers = new Thread[size - 1];
        this.parked = new AtomicInteger[size - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            parked[i] = new AtomicInteger();
            workers[i] = Thread.ofPlatform().daemon().name(namePrefix + "-" + index).unstarted(() -> loop(index));
            workers[i].start();
        }
    }

    /** Threads running each task, the caller included. */
    int size() {
        return size;
    }

    /** Runs {@code t} on every thread of the pool (the caller is worker 0) and returns when all are done. */
    void run(ParallelTask t) {
        if (closed) {
            throw new IllegalStateException("kernel worker pool is closed");
        }
        if (workers.length == 0) {
            t.run(0, 1);
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        task = t;
        pending.set(workers.length);
        generation = generation + 1; // volatile write publishes task and pending
        for (int i = 0; i < workers.length; i++) {
            if (parked[i].get() != 0) {
                LockSupport.unpark(workers[i]);
            }
        }
        Throwable own = null;
        try {
            t.run(0, size);
        } catch (Throwable e) {
            own = e;
        }
        awaitHelpers();
        task = null;
        Throwable err = own != null ? own : failure;
        if (err instanceof RuntimeException re) {
            throw re;
        } else if (err instanceof Error e) {
            throw e;
        } else if (err != null) {
            throw new IllegalStateException(err);
        }
    }

    private void awaitHelpers() {
        for (int spin = 0; pending.get() != 0; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else if (spin < SPINS + YIELDS) {
                Thread.yield();
            } else {
                callerParked = true;
                if (pending.get() != 0) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    private void loop(int index) {
        int seen = 0;
        AtomicInteger myParked = parked[index - 1];
        while (true) {
            int g;
            int spin = 0;
            while ((g = generation) == seen && !closed) {
                if (spin < SPINS) {
                    Thread.onSpinWait();
                    spin++;
                } else if (spin < SPINS + YIELDS) {
                    Thread.yield();
                    spin++;
                } else {
                    myParked.set(1);
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    myParked.set(0);
                }
            }
            if (closed) {
                return;
            }
            seen = g;
            try {
                task.run(index, size);
            } catch (Throwable e) {
                failure = e;
            }
            if (pending.decrementAndGet() == 0 && callerParked) {
                LockSupport.unpark(caller);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
