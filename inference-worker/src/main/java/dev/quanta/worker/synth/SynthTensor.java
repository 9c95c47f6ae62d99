package dev.quanta.worker.synth;

import dev.quanta.gguf.GgmlType;

/**
 * One tensor of a generated model.
 *
 * @param name  llama.cpp tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type  storage type
 * @param shape ggml dims, {@code ne[0]} (the input dimension, contiguous) first
 * @param norm  true for RMSNorm weights, which are all ones; false for N(0, std²) weights
 */
public record SynthTensor(String name, GgmlType type, long[] shape, boolean norm) {

    public SynthTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Elements per row: ne[0]. */
    public int rowLength() {
        return Math.toIntExact(shape[0]);
    }

    /** Rows: the product of ne[1..]. */
    public long rows() {
        return numElements() / shape[0];
    }

    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes of data. */
    public long sizeBytes() {
        return type.byteSize(numElements());
    }
}
