package dev.quanta.kernels;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link ParallelTask} behind {@link KernelOps#forEach}: every thread claims items from a shared counter until
 * none are left, so a helper the pool excuses leaves nothing undone. Reused across calls (no allocation).
 */
final class ItemLoop implements ParallelTask {

    private final AtomicInteger next = new AtomicInteger();
    private int items; // written before WorkerPool.run, whose volatile dispatch publishes it
    private KernelOps.ItemTask task;

    void prepare(int items, KernelOps.ItemTask task) {
        this.items = items;
        this.task = task;
        next.set(0);
    }

    @Override
    public void run(int worker, int numWorkers) {
        for (int item = next.getAndIncrement(); item < items; item = next.getAndIncrement()) {
            task.run(worker, item);
        }
    }
}
