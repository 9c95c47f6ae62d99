package dev.quanta.gguf;

import java.util.Optional;

/** Metadata value types with their on-disk ids (u32) and element sizes in bytes (-1: variable). */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    /** u64 byte length + UTF-8 bytes, no terminator. */
    STRING(8, -1),
    /** u32 element type + u64 count + elements (arrays of arrays allowed). */
    ARRAY(9, -1),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    private final int id;
    private final int size;

    GgufValueType(int id, int size) {
        this.id = id;
        this.size = size;
    }

    /** The on-disk type id. */
    public int id() {
        return id;
    }

    /** Bytes per value for fixed-size types, -1 for STRING and ARRAY. */
    public int fixedSize() {
        return size;
    }

    /** Smallest number of bytes one value of this type can take on disk (used to cap counts). */
    int minEncodedSize() {
        return switch (this) {
            case STRING -> 8; // length only
            case ARRAY -> 12; // element type + count
            default -> size;
        };
    }

    /** Whether values of this type are integers (signed or unsigned, 8 to 64 bits). */
    public boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type with on-disk id {@code id}, or empty for an unknown id. */
    public static Optional<GgufValueType> fromId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.of(BY_ID[(int) id]) : Optional.empty();
    }
}
