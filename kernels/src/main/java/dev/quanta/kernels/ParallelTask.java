package dev.quanta.kernels;

/**
 * A unit of parallel work run by every thread of a {@link WorkerPool} at once. Implementations are created once
 * and reused with mutable fields (so dispatching allocates nothing); they split the work themselves, e.g. by
 * claiming chunks from a shared counter.
 */
@FunctionalInterface
interface ParallelTask {

    /**
     * Runs this thread's share.
     *
     * @param worker     this thread's index, 0 (the caller) .. {@code numWorkers - 1}
     * @param numWorkers threads running the task
     */
    void run(int worker, int numWorkers);
}
