package dev.quanta.worker.scheduler;

import java.util.List;

/**
 * One step's work: the chunks to compute (running sequences first, in order) and the sequences preempted to make
 * room (their blocks are already freed; they wait at the head of the queue to be recomputed).
 */
public record SchedulerOutput(List<ScheduledChunk> chunks, List<Sequence> preempted) {

    public boolean isEmpty() {
        return chunks.isEmpty();
    }
}
