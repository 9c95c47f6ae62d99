package dev.quanta.worker.model;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/** Named tensors of a model file, viewed in place. Lets the weights be built from a GGUF file or a test fixture. */
public interface TensorSource {

    /**
     * A stored tensor.
     *
     * @param shape ggml order: {@code shape[0]} is the row length (ne0), then rows (ne1), ...
     * @param data  its bytes, in place
     */
    record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {}

    Optional<Tensor> find(String name);
}
