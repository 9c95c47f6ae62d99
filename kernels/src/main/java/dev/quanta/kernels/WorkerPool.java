package dev.quanta.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of platform threads that run one {@link ParallelTask} at a time together with the caller.
 *
 * <p>Protocol. The caller publishes a task by bumping a volatile generation {@code g}, runs its own share, then
 * settles every helper: a helper takes generation {@code g} by moving its state from {@code g-1} to {@code g}
 * with a CAS before touching the task; the caller makes the same CAS to <em>excuse</em> a helper that has not
 * started yet, and waits only for helpers that took the task. Work is claimed dynamically inside the task (a shared
 * chunk counter), so whatever an excused helper would have done the others do. This keeps a descheduled helper on
 * an oversubscribed machine from stalling every matmul.
 *
 * <p>Idle helpers spin on the generation for a short while after each task (a forward pass issues hundreds of
 * matmuls per token back to back, so they usually find the next one while spinning), then yield a few times, then
 * park; the caller unparks only helpers that announced they parked. Nothing is allocated per task.
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
    private final Thread[] helpers; // size - 1; the caller is worker 0
    private final AtomicInteger[] state; // per helper: last generation it took or was excused from
    private final AtomicInteger[] done; // per helper: last generation it finished
    private final AtomicInteger[] parked; // per helper: 1 while (about to be) parked
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
        this.helpers = new Thread[size - 1];
        this.state = new AtomicInteger[size - 1];
        this.done = new AtomicInteger[size - 1];
        this.parked = new AtomicInteger[size - 1];
        for (int i = 0; i < helpers.length; i++) {
            int index = i + 1;
            state[i] = new AtomicInteger();
            done[i] = new AtomicInteger();
            parked[i] = new AtomicInteger();
            helpers[i] = Thread.ofPlatform().daemon().name(namePrefix + "-" + index).unstarted(() -> loop(index));
            helpers[i].start();
        }
    }

    /** Threads that may run each task, the caller included. */
    int size() {
        return size;
    }

    /**
     * Runs {@code t} on the caller (worker 0) and on every helper that picks it up in time, and returns when all
     * that took part are done. {@code t} must claim its work dynamically: a helper may be excused.
     */
    void run(ParallelTask t) {
        if (closed) {
            throw new IllegalStateException("kernel worker pool is closed");
        }
        if (helpers.length == 0) {
            t.run(0, 1);
            return;
        }
        caller = Thread.currentThread();
        failure = null;
        task = t;
        int g = generation + 1;
        generation = g; // volatile write publishes the task and its fields
        for (int i = 0; i < helpers.length; i++) {
            if (parked[i].get() != 0) {
                LockSupport.unpark(helpers[i]);
            }
        }
        Throwable own = null;
        try {
            t.run(0, size);
        } catch (Throwable e) {
            own = e;
        }
        for (int i = 0; i < helpers.length; i++) {
            if (!state[i].compareAndSet(g - 1, g)) { // the helper took this task: wait for it
                awaitDone(i, g);
            }
        }
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

    private void awaitDone(int i, int g) {
        AtomicInteger d = done[i];
        for (int spin = 0; d.get() != g; spin++) {
            if (spin < SPINS) {
                Thread.onSpinWait();
            } else if (spin < SPINS + YIELDS) {
                Thread.yield();
            } else {
                callerParked = true;
                if (d.get() != g) {
                    LockSupport.park(this);
                }
                callerParked = false;
            }
        }
    }

    private void loop(int index) {
        int seen = 0;
        AtomicInteger myState = state[index - 1];
        AtomicInteger myDone = done[index - 1];
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
            if (!myState.compareAndSet(g - 1, g)) {
                continue; // excused: the caller finished generation g without us
            }
            try {
                task.run(index, size);
            } catch (Throwable e) {
                failure = e;
            }
            myDone.set(g);
            if (callerParked) {
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
        for (Thread w : helpers) {
            LockSupport.unpark(w);
        }
        for (Thread w : helpers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
