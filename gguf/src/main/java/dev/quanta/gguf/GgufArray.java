package dev.quanta.gguf;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A metadata array: an element type and its values, held in one primitive Java array so that big arrays
 * (128k token strings, float scores, int token types) cost no boxing. Storage by element type:
 * UINT8/INT8 → byte[], UINT16/INT16 → short[], UINT32/INT32 → int[], UINT64/INT64 → long[],
 * FLOAT32 → float[], FLOAT64 → double[], BOOL → boolean[], STRING → String[] (or, when read from a file,
 * {@link PackedStrings}: the encoded bytes, decoded on first use), ARRAY → GgufArray[].
 * Unsigned values keep their bits; accessors widen them as unsigned. Instances are immutable.
 */
public final class GgufArray {

    private final GgufValueType elementType;
    private final Object values; // primitive array as listed above, never exposed
    private final int size;

    /** Takes ownership of {@code values} (no copy); the parser and factories guarantee its class. */
    GgufArray(GgufValueType elementType, Object values, int size) {
        this.elementType = elementType;
        this.values = values;
        this.size = size;
    }

    public static GgufArray ofUInt8(byte[] v) {
        return new GgufArray(GgufValueType.UINT8, v.clone(), v.length);
    }

    public static GgufArray ofInt8(byte[] v) {
        return new GgufArray(GgufValueType.INT8, v.clone(), v.length);
    }

    public static GgufArray ofUInt16(short[] v) {
        return new GgufArray(GgufValueType.UINT16, v.clone(), v.length);
    }

    public static GgufArray ofInt16(short[] v) {
        return new GgufArray(GgufValueType.INT16, v.clone(), v.length);
    }

    /** Unsigned 32-bit values given as their raw bits. */
    public static GgufArray ofUInt32(int[] v) {
        return new GgufArray(GgufValueType.UINT32, v.clone(), v.length);
    }

    public static GgufArray ofInt32(int[] v) {
        return new GgufArray(GgufValueType.INT32, v.clone(), v.length);
    }

    /** Unsigned 64-bit values given as their raw bits. */
    public static GgufArray ofUInt64(long[] v) {
        return new GgufArray(GgufValueType.UINT64, v.clone(), v.length);
    }

    public static GgufArray ofInt64(long[] v) {
        return new GgufArray(GgufValueType.INT64, v.clone(), v.length);
    }

    public static GgufArray ofFloat32(float[] v) {
        return new GgufArray(GgufValueType.FLOAT32, v.clone(), v.length);
    }

    public static GgufArray ofFloat64(double[] v) {
        return new GgufArray(GgufValueType.FLOAT64, v.clone(), v.length);
    }

    public static GgufArray ofBool(boolean[] v) {
        return new GgufArray(GgufValueType.BOOL, v.clone(), v.length);
    }

    public static GgufArray ofStrings(List<String> v) {
        String[] copy = v.toArray(String[]::new);
        for (String s : copy) {
            Objects.requireNonNull(s, "string array element");
        }
        return new GgufArray(GgufValueType.STRING, copy, copy.length);
    }

    public static GgufArray ofArrays(List<GgufArray> v) {
        GgufArray[] copy = v.toArray(GgufArray[]::new);
        for (GgufArray a : copy) {
            Objects.requireNonNull(a, "nested array element");
        }
        return new GgufArray(GgufValueType.ARRAY, copy, copy.length);
    }

    public GgufValueType elementType() {
        return elementType;
    }

    public int size() {
        return size;
    }

    /** The storage array (package use only: writer and metadata conversions). */
    Object raw() {
        return values;
    }

    /** Element {@code i} of an integer array, unsigned types widened without sign. */
    public long longAt(int i) {
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedLong(((byte[]) values)[i]);
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedLong(((short[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException("not an integer array: " + elementType);
        };
    }

    /** Element {@code i} as a GgufValue (boxes; fine for display, slow for big arrays). */
    public GgufValue get(int i) {
        Objects.checkIndex(i, size);
        return switch (elementType) {
            case FLOAT32 -> GgufValue.float32(((float[]) values)[i]);
            case FLOAT64 -> GgufValue.float64(((double[]) values)[i]);
            case BOOL -> GgufValue.bool(((boolean[]) values)[i]);
            case STRING -> GgufValue.string(values instanceof PackedStrings p ? p.get(i) : ((String[]) values)[i]);
            case ARRAY -> GgufValue.array(((GgufArray[]) values)[i]);
            default -> new GgufValue(elementType, longAt(i));
        };
    }

    /** Strings of a STRING array, as an unmodifiable list over the stored array (no copy). */
    public List<String> asStrings() throws GgufFormatException {
        requireType(GgufValueType.STRING);
        return Collections.unmodifiableList(Arrays.asList(strings()));
    }

    /** The STRING elements as an array (shared: never modified nor exposed). */
    private String[] strings() {
        return values instanceof PackedStrings p ? p.all() : (String[]) values;
    }

    /** Nested arrays of an ARRAY array. */
    public List<GgufArray> asArrays() throws GgufFormatException {
        requireType(GgufValueType.ARRAY);
        return Collections.unmodifiableList(Arrays.asList((GgufArray[]) values));
    }

    /** A copy as floats: FLOAT32 as is, FLOAT64 narrowed. */
    public float[] toFloatArray() throws GgufFormatException {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) values).clone();
            case FLOAT64 -> {
                double[] d = (double[]) values;
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            default -> throw new GgufFormatException("expected an array of FLOAT32, got an array of " + elementType);
        };
    }

    /** A copy as ints: any integer element type whose every value fits in a Java int. */
    public int[] toIntArray() throws GgufFormatException {
        if (elementType == GgufValueType.INT32 || elementType == GgufValueType.UINT32 && allNonNegative()) {
            return ((int[]) values).clone();
        }
        if (!elementType.isInteger()) {
            throw new GgufFormatException("expected an array of integers, got an array of " + elementType);
        }
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            long v = longAt(i);
            boolean fits = elementType == GgufValueType.UINT64
                    ? v >= 0 && v <= Integer.MAX_VALUE
                    : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            if (!fits) {
                throw new GgufFormatException("array element " + i + " = "
                        + (elementType == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v)
                        + " (" + elementType + ") does not fit in an int");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** A copy as longs: any integer element type (UINT64 values above 2^63-1 are rejected). */
    public long[] toLongArray() throws GgufFormatException {
        if (!elementType.isInteger()) {
            throw new GgufFormatException("expected an array of integers, got an array of " + elementType);
        }
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = longAt(i);
            if (elementType == GgufValueType.UINT64 && out[i] < 0) {
                throw new GgufFormatException("array element " + i + " = " + Long.toUnsignedString(out[i])
                        + " (UINT64) does not fit in a long");
            }
        }
        return out;
    }

    private boolean allNonNegative() {
        for (int v : (int[]) values) {
            if (v < 0) {
                return false;
            }
        }
        return true;
    }

    private void requireType(GgufValueType expected) throws GgufFormatException {
        if (elementType != expected) {
            throw new GgufFormatException("expected an array of " + expected + ", got an array of " + elementType);
        }
    }

    /** Like gguf-dump: up to {@code maxItems} elements, then {@code ... N items}. */
    public String display(int maxItems) {
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(size, Math.max(0, maxItems));
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(get(i).display(maxItems));
        }
        if (shown < size) {
            sb.append(shown > 0 ? ", " : "").append("... ").append(size).append(" items");
        }
        return sb.append(']').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    private Object comparable() {
        return values instanceof PackedStrings p ? p.all() : values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType && Arrays.deepEquals(
                new Object[] {a.comparable()}, new Object[] {comparable()});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {comparable()});
    }

    @Override
    public String toString() {
        return elementType + display(8);
    }
}
