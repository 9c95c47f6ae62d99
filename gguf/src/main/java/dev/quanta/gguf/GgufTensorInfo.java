package dev.quanta.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's description from the GGUF header.
 *
 * @param name      tensor name, e.g. {@code blk.3.attn_q.weight}
 * @param type      element type
 * @param shape     ggml dims, {@code ne[0]} first: ne[0] = row length (contiguous elements), ne[1] = rows, …;
 *                  1 to 4 positive entries
 * @param offset    bytes from the start of the data section (a multiple of the file's alignment)
 * @param sizeBytes bytes of data: {@code type.byteSize(numElements())}
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset, long sizeBytes) {

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException("tensor '" + name + "': " + shape.length + " dims, expected 1 to 4");
        }
    }

    /** A copy of the dims, ne[0] (row length) first. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int nDims() {
        return shape.length;
    }

    /** Dim {@code i} (ne[i]); 1 for i ≥ nDims like ggml. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Elements per row: ne[0]. */
    public long rowLength() {
        return shape[0];
    }

    /** Rows: the product of ne[1..]. */
    public long numRows() {
        return numElements() / shape[0];
    }

    /** Bytes per row: {@code type.byteSize(rowLength())}. */
    public long rowSizeBytes() {
        return type.byteSize(shape[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && t.type == type
                && Arrays.equals(t.shape, shape) && t.offset == offset && t.sizeBytes == sizeBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset, sizeBytes);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " (" + sizeBytes + " B)";
    }
}
