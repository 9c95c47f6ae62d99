package dev.quanta.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open GGUF file: the whole file memory-mapped read-only, its header parsed (see {@link GgufReader} for
 * the format), tensor data used in place as slices of the mapping.
 *
 * <p>The mapping lives in a shared {@link Arena} owned by this object, so tensor segments may be read from
 * any thread until {@link #close()}; after that, touching them throws {@link IllegalStateException}
 * (never a JVM crash). Opening parses only the header, so it takes milliseconds even for multi-GB files.
 */
public final class GgufFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping; // whole file, read-only
    private final GgufHeader header;
    private final Map<String, GgufTensorInfo> byName;
    private final AtomicBoolean closed = new AtomicBoolean();

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufHeader header) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        this.byName = new HashMap<>();
        for (GgufTensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
    }

    /**
     * Maps and parses {@code path}.
     *
     * @throws GgufFormatException when the file is not a valid GGUF (message prefixed with the file name)
     * @throws IOException         when it cannot be read (missing, permissions, …)
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping = map(path, arena);
            GgufHeader header = parse(path, mapping);
            return new GgufFile(path, arena, mapping, header);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads only the header (metadata and tensor infos) of {@code path}, checking that every tensor's data
     * lies inside the file, without reading the data section; the mapping is released before returning.
     */
    public static GgufHeader readHeader(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return parse(path, map(path, arena));
        }
    }

    private static MemorySegment map(Path path, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        }
    }

    private static GgufHeader parse(Path path, MemorySegment mapping) throws GgufFormatException {
        try {
            return GgufReader.parse(mapping);
        } catch (GgufFormatException e) {
            Path name = path.getFileName();
            throw e.offset() >= 0
                    ? new GgufFormatException(name + ": " + stripOffset(e), e.offset())
                    : new GgufFormatException(name + ": " + e.getMessage());
        }
    }

    private static String stripOffset(GgufFormatException e) {
        String m = e.getMessage();
        String suffix = " (at byte " + e.offset() + ")";
        return m.endsWith(suffix) ? m.substring(0, m.length() - suffix.length()) : m;
    }

    public Path path() {
        return path;
    }

    public GgufHeader header() {
        return header;
    }

    public int version() {
        return header.version();
    }

    public GgufMetadata metadata() {
        return header.metadata();
    }

    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** {@code general.alignment} or 32, in bytes. */
    public long alignment() {
        return header.alignment();
    }

    /** Absolute offset of the data section. */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long fileSize() {
        return header.fileSize();
    }

    /** The whole read-only mapping. */
    public MemorySegment segment() {
        return mapping;
    }

    /**
     * The tensor's bytes in place: a read-only slice of the mapping, {@code t.sizeBytes()} long, laid out as
     * {@code numRows} rows of {@code rowSizeBytes}.
     *
     * @throws IllegalArgumentException when {@code t} is not one of this file's tensors
     */
    public MemorySegment tensorData(GgufTensorInfo t) {
        GgufTensorInfo own = byName.get(t.name());
        if (own == null || !own.equals(t)) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' is not in " + path.getFileName());
        }
        return mapping.asSlice(header.dataOffset() + t.offset(), t.sizeBytes());
    }

    /** Releases the mapping; tensor segments obtained from this file become inaccessible. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + header.metadata().size() + " keys, "
                + header.tensors().size() + " tensors]";
    }
}
