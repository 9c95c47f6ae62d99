package dev.quanta.gguf;

import java.util.Objects;

/**
 * One typed metadata value. The Java representation of {@link #value()} by type:
 * integer types → {@link Long} (UINT64 keeps its raw 64 bits; use {@link Long#toUnsignedString}),
 * FLOAT32 → {@link Float}, FLOAT64 → {@link Double}, BOOL → {@link Boolean}, STRING → {@link String},
 * ARRAY → {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (!expected.isInstance(value)) {
            throw new IllegalArgumentException(type + " value must be a " + expected.getSimpleName()
                    + ", got " + value.getClass().getSimpleName());
        }
        if (type.isInteger()) {
            checkRange(type, (Long) value);
        }
    }

    private static void checkRange(GgufValueType type, long v) {
        boolean ok = switch (type) {
            case UINT8 -> v >= 0 && v <= 0xFFL;
            case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
            case UINT16 -> v >= 0 && v <= 0xFFFFL;
            case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
            case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
            case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            default -> true; // UINT64 (raw bits), INT64
        };
        if (!ok) {
            throw new IllegalArgumentException(v + " does not fit in " + type);
        }
    }

    public static GgufValue uint8(int v) {
        return new GgufValue(GgufValueType.UINT8, (long) v);
    }

    public static GgufValue int8(int v) {
        return new GgufValue(GgufValueType.INT8, (long) v);
    }

    public static GgufValue uint16(int v) {
        return new GgufValue(GgufValueType.UINT16, (long) v);
    }

    public static GgufValue int16(int v) {
        return new GgufValue(GgufValueType.INT16, (long) v);
    }

    /** An unsigned 32-bit value; {@code v} must be in [0, 2^32). */
    public static GgufValue uint32(long v) {
        return new GgufValue(GgufValueType.UINT32, v);
    }

    public static GgufValue int32(int v) {
        return new GgufValue(GgufValueType.INT32, (long) v);
    }

    /** An unsigned 64-bit value given as its raw bits. */
    public static GgufValue uint64(long v) {
        return new GgufValue(GgufValueType.UINT64, v);
    }

    public static GgufValue int64(long v) {
        return new GgufValue(GgufValueType.INT64, v);
    }

    public static GgufValue float32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue float64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, v);
    }

    public static GgufValue array(GgufArray v) {
        return new GgufValue(GgufValueType.ARRAY, v);
    }

    /** The value as text for humans: strings quoted, unsigned 64-bit values unsigned, arrays abbreviated. */
    public String display(int maxArrayItems) {
        return switch (type) {
            case STRING -> GgufArray.quote((String) value);
            case UINT64 -> Long.toUnsignedString((Long) value);
            case ARRAY -> ((GgufArray) value).display(maxArrayItems);
            default -> value.toString();
        };
    }

    @Override
    public String toString() {
        return type + ":" + display(8);
    }
}
