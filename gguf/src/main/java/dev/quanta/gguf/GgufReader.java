package dev.quanta.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Parses a GGUF header from a memory segment (a file mapping, or a heap array in tests and fuzzing).
 *
 * <h2>The format (GGUF v2 and v3, little-endian)</h2>
 * <pre>
 * u32 magic        0x46554747 ("GGUF" as bytes)
 * u32 version      2 or 3 (v1 used u32 counts and is not supported)
 * u64 tensor_count
 * u64 kv_count
 * kv_count × { string key; u32 value_type; value }
 * tensor_count × { string name; u32 n_dims (1..4); n_dims × u64 ne (ne[0] = row length);
 *                  u32 ggml_type; u64 offset (from the data section start, a multiple of alignment) }
 * padding to a multiple of general.alignment (u32 metadata, power of two, default 32)
 * data section: each tensor's bytes at data_start + offset
 *
 * string = u64 byte length + UTF-8 bytes (no NUL)
 * value  = by value_type: 0 u8, 1 i8, 2 u16, 3 i16, 4 u32, 5 i32, 6 f32, 7 bool (1 byte, 0 or 1),
 *          8 string, 9 array = { u32 element_type; u64 count; count × value }, 10 u64, 11 i64, 12 f64
 * </pre>
 *
 * <p>Every read is checked against the end of the segment first ({@link GgufCursor}), and every count is capped by what the
 * remaining bytes could hold before anything is allocated, so a corrupt file fails fast with a
 * {@link GgufFormatException} naming the problem and its byte offset. Tensor data ranges must lie inside
 * the file and must not overlap.
 */
final class GgufReader {

    static final int MAGIC = 0x46554747;
    static final long DEFAULT_ALIGNMENT = 32;
    /** Nesting limit for arrays of arrays (real files use at most 2 levels). */
    static final int MAX_ARRAY_DEPTH = 8;
    /** Java arrays hold at most about 2^31 elements; larger metadata arrays are refused. */
    static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    static final int MAX_DIMS = 4;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufCursor in;
    private final long size;

    private GgufReader(MemorySegment seg) {
        this.in = new GgufCursor(seg);
        this.size = seg.byteSize();
    }

    /** Parses and validates the header of the GGUF bytes in {@code seg} (the whole file). */
    static GgufHeader parse(MemorySegment seg) throws GgufFormatException {
        return new GgufReader(seg).header();
    }

    private GgufHeader header() throws GgufFormatException {
        if (size < 4) {
            throw new GgufFormatException("not a GGUF file: only " + size + " bytes, too short for the magic", 0);
        }
        int magic = in.u32("magic");
        if (magic != MAGIC) {
            throw new GgufFormatException(String.format("not a GGUF file: bad magic 0x%08x, expected 0x%08x ('GGUF')",
                    magic, MAGIC), 0);
        }
        long versionAt = in.pos();
        int version = in.u32("version");
        if (version != 2 && version != 3) {
            String hint = switch (Integer.reverseBytes(version)) {
                case 2, 3 -> " (looks like a big-endian GGUF, which is not supported)";
                default -> version == 1 ? " (GGUF v1 is obsolete; reconvert the model)" : "";
            };
            throw new GgufFormatException("unsupported GGUF version " + Integer.toUnsignedString(version)
                    + ", this reader supports 2 and 3" + hint, versionAt);
        }
        long tensorCountAt = in.pos();
        long tensorCount = in.u64("tensor count");
        long kvCountAt = in.pos();
        long kvCount = in.u64("metadata count");
        // Cheapest possible encodings: a key/value is an empty key (8) + type (4) + a 1-byte value;
        // a tensor info is an empty name (8) + n_dims (4) + one dim (8) + type (4) + offset (8).
        in.requireCount(tensorCount, 32, "tensor count", tensorCountAt);
        in.requireCount(kvCount, 13, "metadata count", kvCountAt);
        if (tensorCount * 32 + kvCount * 13 > in.remaining()) { // no overflow: each term is <= in.remaining()
            throw new GgufFormatException("tensor count " + tensorCount + " and metadata count " + kvCount
                    + " need more than the " + in.remaining() + " bytes left in the file", tensorCountAt);
        }

        LinkedHashMap<String, GgufValue> kv = LinkedHashMap.newLinkedHashMap((int) Math.min(kvCount, 1024));
        for (long i = 0; i < kvCount; i++) {
            long keyAt = in.pos();
            String key = in.string("metadata key #" + i);
            if (kv.containsKey(key)) {
                throw new GgufFormatException("duplicate metadata key '" + key + "'", keyAt);
            }
            long typeAt = in.pos();
            GgufValueType type = valueType("metadata '" + key + "'", typeAt);
            kv.put(key, value(type, "metadata '" + key + "'", 0));
        }
        GgufMetadata metadata = GgufMetadata.wrap(kv);
        long alignment = alignment(kv.get(GgufKeys.GENERAL_ALIGNMENT));

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoAt = in.pos();
            GgufTensorInfo t = tensorInfo(i, alignment);
            if (!names.add(t.name())) {
                throw new GgufFormatException("duplicate tensor name '" + t.name() + "'", infoAt);
            }
            tensors.add(t);
        }
        long dataOffset = alignUp(in.pos(), alignment);
        checkTensorData(tensors, dataOffset);
        return new GgufHeader(version, metadata, tensors, alignment, dataOffset, size);
    }

    private static long alignment(GgufValue v) throws GgufFormatException {
        if (v == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (v.type() != GgufValueType.UINT32) {
            throw new GgufFormatException("metadata '" + GgufKeys.GENERAL_ALIGNMENT + "' is " + v.type()
                    + ", expected UINT32");
        }
        long a = (Long) v.value();
        if (a == 0 || Long.bitCount(a) != 1) {
            throw new GgufFormatException("metadata '" + GgufKeys.GENERAL_ALIGNMENT + "' = " + a
                    + " is not a power of two");
        }
        return a;
    }

    private GgufTensorInfo tensorInfo(long index, long alignment) throws GgufFormatException {
        long start = in.pos();
        String name = in.string("name of tensor #" + index);
        String what = "tensor '" + name + "'";
        long dimsAt = in.pos();
        int nDims = in.u32(what + " n_dims");
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw new GgufFormatException(what + ": n_dims " + Integer.toUnsignedString(nDims)
                    + ", expected 1 to " + MAX_DIMS, dimsAt);
        }
        long[] shape = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long dimAt = in.pos();
            shape[d] = in.u64(what + " ne[" + d + "]");
            if (shape[d] <= 0) {
                throw new GgufFormatException(what + ": ne[" + d + "] = " + Long.toUnsignedString(shape[d])
                        + ", dims must be positive and below 2^63", dimAt);
            }
            elements = multiplyOrFail(elements, shape[d], what, dimAt);
        }
        long typeAt = in.pos();
        int typeId = in.u32(what + " type");
        GgmlType type = GgmlType.fromId(typeId).orElseThrow(() -> new GgufFormatException(
                what + ": unknown ggml type id " + Integer.toUnsignedString(typeId), typeAt));
        if (shape[0] % type.blockSize() != 0) {
            throw new GgufFormatException(what + ": row length ne[0] = " + shape[0] + " is not a multiple of the "
                    + type + " block size " + type.blockSize(), start);
        }
        long sizeBytes;
        try {
            sizeBytes = type.byteSize(elements);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new GgufFormatException(what + ": " + Arrays.toString(shape) + " " + type
                    + " data size overflows 64 bits", start);
        }
        long offsetAt = in.pos();
        long offset = in.u64(what + " data offset");
        if (offset < 0) {
            throw new GgufFormatException(what + ": data offset " + Long.toUnsignedString(offset)
                    + " is past any possible end of file", offsetAt);
        }
        if (offset % alignment != 0) {
            throw new GgufFormatException(what + ": data offset " + offset + " is not a multiple of the alignment "
                    + alignment, offsetAt);
        }
        return new GgufTensorInfo(name, type, shape, offset, sizeBytes);
    }

    private void checkTensorData(List<GgufTensorInfo> tensors, long dataOffset) throws GgufFormatException {
        if (tensors.isEmpty()) {
            return;
        }
        if (dataOffset > size) {
            throw new GgufFormatException("data section would start at byte " + dataOffset
                    + " but the file ends at " + size + " (" + tensors.size() + " tensors declared)", size);
        }
        long dataBytes = size - dataOffset;
        for (GgufTensorInfo t : tensors) {
            if (t.offset() > dataBytes || t.sizeBytes() > dataBytes - t.offset()) {
                throw new GgufFormatException("tensor '" + t.name() + "': data [offset " + t.offset() + ", "
                        + t.sizeBytes() + " bytes] runs past end of file (size " + size + ", data section starts at "
                        + dataOffset + ")", dataOffset + Math.min(t.offset(), dataBytes));
            }
        }
        GgufTensorInfo[] byOffset = tensors.toArray(GgufTensorInfo[]::new);
        Arrays.sort(byOffset, Comparator.comparingLong(GgufTensorInfo::offset));
        for (int i = 1; i < byOffset.length; i++) {
            GgufTensorInfo a = byOffset[i - 1];
            GgufTensorInfo b = byOffset[i];
            if (a.offset() + a.sizeBytes() > b.offset()) {
                throw new GgufFormatException("tensors '" + a.name() + "' [offset " + a.offset() + ", "
                        + a.sizeBytes() + " bytes] and '" + b.name() + "' [offset " + b.offset() + "] overlap",
                        dataOffset + b.offset());
            }
        }
    }

    // --- values

    private GgufValueType valueType(String what, long at) throws GgufFormatException {
        int id = in.u32(what + " value type");
        return GgufValueType.fromId(Integer.toUnsignedLong(id)).orElseThrow(() -> new GgufFormatException(
                what + ": unknown value type id " + Integer.toUnsignedString(id), at));
    }

    private GgufValue value(GgufValueType type, String what, int depth) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> new GgufValue(type, (long) Byte.toUnsignedInt(in.u8(what)));
            case INT8 -> new GgufValue(type, (long) in.u8(what));
            case UINT16 -> new GgufValue(type, (long) Short.toUnsignedInt(in.u16(what)));
            case INT16 -> new GgufValue(type, (long) in.u16(what));
            case UINT32 -> new GgufValue(type, Integer.toUnsignedLong(in.u32(what)));
            case INT32 -> new GgufValue(type, (long) in.u32(what));
            case UINT64, INT64 -> new GgufValue(type, in.u64(what));
            case FLOAT32 -> {
                in.need(4, what);
                yield new GgufValue(type, Float.intBitsToFloat(in.u32(what)));
            }
            case FLOAT64 -> {
                in.need(8, what);
                yield new GgufValue(type, Double.longBitsToDouble(in.u64(what)));
            }
            case BOOL -> new GgufValue(type, in.bool(what));
            case STRING -> new GgufValue(type, in.string(what));
            case ARRAY -> new GgufValue(type, array(what, depth + 1));
        };
    }

    private GgufArray array(String what, int depth) throws GgufFormatException {
        return array(what, -1, depth);
    }

    /** An array; {@code index} ≥ 0 when it is element {@code index} of an enclosing array. */
    private GgufArray array(String outer, long index, int depth) throws GgufFormatException {
        String what = index < 0 ? outer : outer + " element " + index;
        long start = in.pos();
        if (depth > MAX_ARRAY_DEPTH) {
            throw new GgufFormatException(what + ": arrays nested deeper than " + MAX_ARRAY_DEPTH, start);
        }
        GgufValueType elementType = valueType(what + " array element", start);
        long countAt = in.pos();
        long count = in.u64(what + " array count");
        in.requireCount(count, elementType.minEncodedSize(), what + " array count", countAt);
        if (count > MAX_ARRAY_LENGTH) {
            throw new GgufFormatException(what + ": array of " + count + " elements is too large", countAt);
        }
        int n = (int) count;
        int width = elementType.fixedSize();
        if (width > 0) {
            in.need((long) n * width, what + " array of " + n + " " + elementType);
        }
        Object values = switch (elementType) {
            case UINT8, INT8 -> in.copy(new byte[n], ValueLayout.JAVA_BYTE, n);
            case UINT16, INT16 -> in.copy(new short[n], U16, n);
            case UINT32, INT32 -> in.copy(new int[n], U32, n);
            case UINT64, INT64 -> in.copy(new long[n], U64, n);
            case FLOAT32 -> in.copy(new float[n], F32, n);
            case FLOAT64 -> in.copy(new double[n], F64, n);
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) {
                    b[i] = in.bool(what, i);
                }
                yield b;
            }
            case STRING -> in.packedStrings(what, n);
            // NOTE: nested arrays are collected in a growing array, so memory follows the bytes actually
            // parsed rather than a count that a corrupt file could set to (file size / 12).
            case ARRAY -> {
                GgufArray[] a = new GgufArray[Math.min(n, GgufCursor.INITIAL_CAPACITY)];
                for (int i = 0; i < n; i++) {
                    if (i == a.length) {
                        a = Arrays.copyOf(a, (int) Math.min(n, 2L * a.length));
                    }
                    a[i] = array(what, i, depth + 1);
                }
                yield a;
            }
        };
        return new GgufArray(elementType, values, n);
    }

    private static long multiplyOrFail(long a, long b, String what, long at) throws GgufFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new GgufFormatException(what + ": element count overflows 64 bits", at);
        }
    }

    static long alignUp(long n, long alignment) {
        return (n + alignment - 1) & -alignment;
    }
}
