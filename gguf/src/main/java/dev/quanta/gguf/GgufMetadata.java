package dev.quanta.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key → typed value pairs of a GGUF file, in file order. Immutable.
 *
 * <p>{@code get*} methods throw {@link GgufFormatException} naming the key when it is missing or its type
 * does not fit; {@code find*} methods return empty when the key is missing and throw only on a type that
 * does not fit. Integer getters accept any integer type whose value fits (e.g. a UINT32 context length
 * read with {@link #getInt}), never a float.
 */
public final class GgufMetadata {

    private final Map<String, GgufValue> values;

    private GgufMetadata(Map<String, GgufValue> ordered) {
        this.values = Collections.unmodifiableMap(ordered);
    }

    /** Metadata holding a copy of {@code values}, in its iteration order (e.g. for tests). */
    public static GgufMetadata of(Map<String, GgufValue> values) {
        return new GgufMetadata(new LinkedHashMap<>(values));
    }

    /** Takes ownership of an ordered map built by the parser (no copy). */
    static GgufMetadata wrap(LinkedHashMap<String, GgufValue> parsed) {
        return new GgufMetadata(parsed);
    }

    public int size() {
        return values.size();
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** All pairs in file order (unmodifiable). */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public GgufValue get(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        if (v == null) {
            throw new GgufFormatException("metadata key '" + key + "' is missing");
        }
        return v;
    }

    // --- strings

    public String getString(String key) throws GgufFormatException {
        return string(key, get(key));
    }

    public Optional<String> findString(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(string(key, v));
    }

    private static String string(String key, GgufValue v) throws GgufFormatException {
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, v, "STRING");
        }
        return (String) v.value();
    }

    // --- integers

    public int getInt(String key) throws GgufFormatException {
        return toInt(key, get(key));
    }

    public Optional<Integer> findInt(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(toInt(key, v));
    }

    public long getLong(String key) throws GgufFormatException {
        return toLong(key, get(key));
    }

    public Optional<Long> findLong(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(toLong(key, v));
    }

    private static long toLong(String key, GgufValue v) throws GgufFormatException {
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer");
        }
        long x = (Long) v.value();
        if (v.type() == GgufValueType.UINT64 && x < 0) {
            throw new GgufFormatException("metadata key '" + key + "' = " + Long.toUnsignedString(x)
                    + " (UINT64) does not fit in a long");
        }
        return x;
    }

    private static int toInt(String key, GgufValue v) throws GgufFormatException {
        long x = toLong(key, v);
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
            throw new GgufFormatException("metadata key '" + key + "' = " + x + " (" + v.type()
                    + ") does not fit in an int");
        }
        return (int) x;
    }

    // --- floats

    /** A FLOAT32 value (FLOAT64 is narrowed). */
    public float getFloat(String key) throws GgufFormatException {
        return (float) toDouble(key, get(key));
    }

    public Optional<Float> findFloat(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of((float) toDouble(key, v));
    }

    public double getDouble(String key) throws GgufFormatException {
        return toDouble(key, get(key));
    }

    public Optional<Double> findDouble(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(toDouble(key, v));
    }

    private static double toDouble(String key, GgufValue v) throws GgufFormatException {
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (Double) v.value();
            default -> throw wrongType(key, v, "FLOAT32 or FLOAT64");
        };
    }

    // --- booleans

    public boolean getBoolean(String key) throws GgufFormatException {
        return toBoolean(key, get(key));
    }

    public Optional<Boolean> findBoolean(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(toBoolean(key, v));
    }

    private static boolean toBoolean(String key, GgufValue v) throws GgufFormatException {
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, v, "BOOL");
        }
        return (Boolean) v.value();
    }

    // --- arrays

    public GgufArray getArray(String key) throws GgufFormatException {
        return toArray(key, get(key));
    }

    public Optional<GgufArray> findArray(String key) throws GgufFormatException {
        GgufValue v = values.get(key);
        return v == null ? Optional.empty() : Optional.of(toArray(key, v));
    }

    private static GgufArray toArray(String key, GgufValue v) throws GgufFormatException {
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, v, "ARRAY");
        }
        return (GgufArray) v.value();
    }

    /** An array of strings (e.g. {@code tokenizer.ggml.tokens}), unmodifiable, without copying. */
    public List<String> getStringArray(String key) throws GgufFormatException {
        return withKey(key, getArray(key), Conversion.STRINGS);
    }

    /** A copy of an array of FLOAT32 (or FLOAT64, narrowed), e.g. {@code tokenizer.ggml.scores}. */
    public float[] getFloatArray(String key) throws GgufFormatException {
        return withKey(key, getArray(key), Conversion.FLOATS);
    }

    /** A copy of an integer array whose values fit in an int, e.g. {@code tokenizer.ggml.token_type}. */
    public int[] getIntArray(String key) throws GgufFormatException {
        return withKey(key, getArray(key), Conversion.INTS);
    }

    /** A copy of an integer array as longs. */
    public long[] getLongArray(String key) throws GgufFormatException {
        return withKey(key, getArray(key), Conversion.LONGS);
    }

    private enum Conversion { STRINGS, FLOATS, INTS, LONGS }

    @SuppressWarnings("unchecked")
    private static <T> T withKey(String key, GgufArray a, Conversion c) throws GgufFormatException {
        try {
            return (T) switch (c) {
                case STRINGS -> a.asStrings();
                case FLOATS -> a.toFloatArray();
                case INTS -> a.toIntArray();
                case LONGS -> a.toLongArray();
            };
        } catch (GgufFormatException e) {
            throw new GgufFormatException("metadata key '" + key + "': " + e.getMessage());
        }
    }

    private static GgufFormatException wrongType(String key, GgufValue v, String expected) {
        String actual = v.type() == GgufValueType.ARRAY
                ? "an ARRAY of " + ((GgufArray) v.value()).elementType()
                : v.type().toString();
        return new GgufFormatException("metadata key '" + key + "' is " + actual + ", expected " + expected);
    }

    @Override
    public String toString() {
        return "GgufMetadata" + values.keySet();
    }
}
