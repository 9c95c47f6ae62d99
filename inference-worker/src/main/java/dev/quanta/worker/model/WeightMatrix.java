package dev.quanta.worker.model;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix used in place from the mapped model file: {@code rows} rows of {@code cols} elements of
 * {@code type}, row-major (GGUF shape {@code [ne0 = cols, ne1 = rows]}).
 *
 * @param name tensor name, for error messages
 * @param type element / block type
 * @param data the bytes, {@code rows * type.byteSize(cols)} long
 * @param rows output features
 * @param cols input features (the row length)
 */
public record WeightMatrix(String name, GgmlType type, MemorySegment data, int rows, int cols) {

    public WeightMatrix {
        if (data.byteSize() != rows * type.byteSize(cols)) {
            throw new IllegalArgumentException("invalid model: tensor " + name + " holds " + data.byteSize()
                    + " bytes, expected " + rows * type.byteSize(cols));
        }
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.byteSize(cols);
    }
}
