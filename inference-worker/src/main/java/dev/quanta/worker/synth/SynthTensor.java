package dev.quanta.worker.synth;

import dev.quanta.gguf.GgmlType;

/**
 * One tensor of a generated model.
 *
 * @param name  llama.cpp tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param type  storage type
 * @param shape ggml dims, {@code ne[0]} (the input dimension, contiguous) first
 * @param norm  true for RMSNorm weights, 1 + N(0, spread²) (all ones when spread is 0); false for N(0, spread²)
 * @param spread standard deviation of the random part
 */
public record SynthTensor(String name, GgmlType type, long[] shape, boolean norm, double spread) {

    public SynthTensor {
        shape = shape.clone();
    }

    /** Norms of all ones, or matrices N(0, {@link Synthesizer#WEIGHT_STD}²). */
    public SynthTensor(String name, GgmlType type, long[] shape, boolean norm) {
        this(name, type, shape, norm, norm ? 0 : Synthesizer.WEIGHT_STD);
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
