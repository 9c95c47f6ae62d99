package dev.quanta.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes GGUF v3 files: metadata in insertion order, then tensor infos, then each tensor's data at a
 * multiple of the alignment ({@code general.alignment} when set, else 32), padded with zeros, in the layout
 * {@link GgufReader} describes and llama.cpp loads.
 *
 * <p>Tensor data comes from a byte array, a memory segment, or a {@link TensorSource} callback that streams
 * it, so a model larger than the heap can be written tensor by tensor. The file is written to a temporary
 * sibling and moved into place, so a failed write leaves no half-written file behind.
 *
 * <pre>{@code
 * new GgufWriter()
 *     .putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
 *     .putUInt32(GgufKeys.blockCount("llama"), 2)
 *     .addTensor("output_norm.weight", GgmlType.F32, new long[] {64}, bytes)
 *     .write(path);
 * }</pre>
 */
public final class GgufWriter {

    /** Streams exactly {@code sizeBytes} bytes of one tensor's data. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(OutputStream out) throws IOException;
    }

    /** llama.cpp keeps tensor names in {@code char[GGML_MAX_NAME = 64]} including the NUL. */
    static final int MAX_TENSOR_NAME_BYTES = 63;

    private record PendingTensor(String name, GgmlType type, long[] shape, long sizeBytes, TensorSource source) {}

    private final LinkedHashMap<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private final Map<String, PendingTensor> tensorNames = new LinkedHashMap<>();

    // --- metadata

    /** Sets {@code key} (replacing an earlier value in place, keeping its position). */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.equals(GgufKeys.GENERAL_ALIGNMENT)) {
            checkAlignment(value);
        }
        metadata.put(key, value);
        return this;
    }

    /** Copies every pair of {@code source} (e.g. when re-quantizing a file). */
    public GgufWriter putAll(GgufMetadata source) {
        source.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    /** Sets {@code general.alignment}: a power of two, in bytes (default 32 when never set). */
    public GgufWriter alignment(int bytes) {
        return put(GgufKeys.GENERAL_ALIGNMENT, GgufValue.uint32(bytes));
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValue.string(v));
    }

    public GgufWriter putUInt8(String key, int v) {
        return put(key, GgufValue.uint8(v));
    }

    public GgufWriter putInt8(String key, int v) {
        return put(key, GgufValue.int8(v));
    }

    public GgufWriter putUInt16(String key, int v) {
        return put(key, GgufValue.uint16(v));
    }

    public GgufWriter putInt16(String key, int v) {
        return put(key, GgufValue.int16(v));
    }

    public GgufWriter putUInt32(String key, long v) {
        return put(key, GgufValue.uint32(v));
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, GgufValue.int32(v));
    }

    public GgufWriter putUInt64(String key, long v) {
        return put(key, GgufValue.uint64(v));
    }

    public GgufWriter putInt64(String key, long v) {
        return put(key, GgufValue.int64(v));
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, GgufValue.float32(v));
    }

    public GgufWriter putFloat64(String key, double v) {
        return put(key, GgufValue.float64(v));
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValue.bool(v));
    }

    public GgufWriter putArray(String key, GgufArray v) {
        return put(key, GgufValue.array(v));
    }

    public GgufWriter putStrings(String key, List<String> v) {
        return putArray(key, GgufArray.ofStrings(v));
    }

    public GgufWriter putFloat32s(String key, float[] v) {
        return putArray(key, GgufArray.ofFloat32(v));
    }

    public GgufWriter putInt32s(String key, int[] v) {
        return putArray(key, GgufArray.ofInt32(v));
    }

    // --- tensors

    /** Adds a tensor whose data ({@code type.byteSize(elements)} bytes) is {@code data}. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        long size = checkedSize(name, type, shape);
        if (data.length != size) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes given, "
                    + Shapes.describe(shape) + " " + type + " needs " + size);
        }
        byte[] copy = data.clone();
        return add(name, type, shape, size, out -> out.write(copy));
    }

    /** Adds a tensor whose data is the bytes of {@code data} (read at write time; keep it alive until then). */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        long size = checkedSize(name, type, shape);
        if (data.byteSize() != size) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes given, "
                    + Shapes.describe(shape) + " " + type + " needs " + size);
        }
        return add(name, type, shape, size, out -> {
            byte[] chunk = new byte[(int) Math.min(size, 1 << 20)];
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(chunk.length, size - done);
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, done, chunk, 0, n);
                out.write(chunk, 0, n);
                done += n;
            }
        });
    }

    /** Adds a tensor whose data {@code source} streams at write time; it must write exactly the right size. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorSource source) {
        return add(name, type, shape, checkedSize(name, type, shape), Objects.requireNonNull(source, "source"));
    }

    private GgufWriter add(String name, GgmlType type, long[] shape, long size, TensorSource source) {
        PendingTensor t = new PendingTensor(name, type, shape.clone(), size, source);
        if (tensorNames.putIfAbsent(name, t) != null) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        tensors.add(t);
        return this;
    }

    private static long checkedSize(String name, GgmlType type, long[] shape) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is longer than " + MAX_TENSOR_NAME_BYTES
                    + " bytes, which llama.cpp refuses");
        }
        if (shape.length < 1 || shape.length > GgufReader.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "': " + shape.length + " dims, expected 1 to 4");
        }
        long n = 1;
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor '" + name + "': dims must be positive, got "
                        + Shapes.describe(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + shape[0]
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        return type.byteSize(n);
    }

    private static void checkAlignment(GgufValue v) {
        if (v.type() != GgufValueType.UINT32 || Long.bitCount((Long) v.value()) != 1) {
            throw new IllegalArgumentException(GgufKeys.GENERAL_ALIGNMENT + " must be a UINT32 power of two, got " + v);
        }
    }

    private long alignment() {
        GgufValue v = metadata.get(GgufKeys.GENERAL_ALIGNMENT);
        return v == null ? GgufReader.DEFAULT_ALIGNMENT : (Long) v.value();
    }

    // --- output

    /** Writes the file (replacing {@code path} atomically where the file system allows). */
    public void write(Path path) throws IOException {
        // NOTE: not Files.createTempFile, which would leave the model readable by its owner only
        Path tmp = path.resolveSibling(path.getFileName() + ".partial-" + Long.toHexString(System.nanoTime()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
                    GgufOutput out = new GgufOutput(ch)) {
                writeTo(out);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeTo(GgufOutput out) throws IOException {
        long alignment = alignment();
        out.u32(GgufReader.MAGIC);
        out.u32(3);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id());
            out.value(e.getValue());
        }
        long offset = 0;
        long[] offsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            offsets[i] = offset;
            out.string(t.name());
            out.u32(t.shape().length);
            for (long d : t.shape()) {
                out.u64(d);
            }
            out.u32(t.type().id());
            out.u64(offset);
            offset = GgufReader.alignUp(offset + t.sizeBytes(), alignment);
        }
        out.padTo(alignment);
        long dataStart = out.written();
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            long before = out.written();
            if (before - dataStart != offsets[i]) {
                throw new IllegalStateException("tensor offset bookkeeping is off for '" + t.name() + "'");
            }
            t.source().writeTo(out);
            long wrote = out.written() - before;
            if (wrote != t.sizeBytes()) {
                throw new IOException("tensor '" + t.name() + "': its source wrote " + wrote + " bytes, expected "
                        + t.sizeBytes());
            }
            out.padTo(alignment);
        }
    }

}
