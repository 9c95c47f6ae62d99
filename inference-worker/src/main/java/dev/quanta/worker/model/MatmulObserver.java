package dev.quanta.worker.model;

import java.lang.foreign.MemorySegment;

/**
 * Sees the input of every weight matrix product of a {@link ForwardPass} before it runs (llama-imatrix's
 * view of {@code MUL_MAT}): the weight, and its f32 input {@code [rows][weight.cols()]}, valid only during the
 * call. Used to collect an importance matrix; the pass calls none by default.
 */
@FunctionalInterface
public interface MatmulObserver {

    void onMatmul(WeightMatrix weight, MemorySegment input, int rows);
}
