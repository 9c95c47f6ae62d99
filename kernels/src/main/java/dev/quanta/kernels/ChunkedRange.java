package dev.quanta.kernels;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Splits {@code [0, total)} into chunks that the threads of a {@link WorkerPool} claim from a shared counter, so a
 * slow thread does not hold up the rest. One instance is reused call after call (dispatch allocates nothing); its
 * fields are written by the caller before {@link WorkerPool#run} and read by the workers after its dispatch.
 */
final class ChunkedRange implements ParallelTask {

    /** The work on one claimed range {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(long from, long to);
    }

    private final AtomicLong next = new AtomicLong();
    private long total;
    private long chunk;
    private Range range;

    /** Runs {@code range} over {@code [0, total)} in chunks of {@code chunk} on every thread of {@code pool}. */
    void run(WorkerPool pool, long total, long chunk, Range range) {
        this.total = total;
        this.chunk = Math.max(1, chunk);
        this.range = range;
        next.set(0);
        try {
            pool.run(this);
        } finally {
            this.range = null;
        }
    }

    @Override
    public void run(int worker, int numWorkers) {
        while (true) {
            long from = next.getAndIncrement() * chunk;
            if (from >= total) {
                return;
            }
            range.run(from, Math.min(total, from + chunk));
        }
    }
}
