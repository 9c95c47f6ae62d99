package dev.quanta.gguf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the GGUF reader: any byte string must either parse into a header whose
 * every tensor slice and metadata value can be used (and that the writer writes back unchanged), or be
 * rejected with {@link GgufFormatException}.
 * Any other exception (index out of bounds, overflow, out of memory, stack overflow) is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} it replays the seeds in {@code GgufReaderFuzzTestInputs/} (about 2 s);
 * with {@code JAZZER_FUZZ=1} it fuzzes for 60 s. The {@code fuzz} Maven profile of this module runs it that
 * way in an extra surefire execution (active where {@code CI} is set, or with {@code -Pfuzz}); inputs that
 * fail are saved next to the seeds and replayed from then on.
 */
class GgufReaderFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parsesOrRejectsCleanly(byte[] data) {
        MemorySegment file = MemorySegment.ofArray(data);
        GgufHeader header;
        try {
            header = GgufReader.parse(file);
        } catch (GgufFormatException expected) {
            if (expected.getMessage() == null || expected.getMessage().isBlank()) {
                throw new AssertionError("format exception without a message", expected);
            }
            return;
        }
        exercise(header, file);
        rewriteAndCompare(header, file);
    }

    private static Path scratch;

    /** What the reader accepted, the writer writes back, and the reader reads the same metadata and tensors. */
    private static void rewriteAndCompare(GgufHeader header, MemorySegment file) {
        for (GgufTensorInfo t : header.tensors()) {
            if (t.name().getBytes(StandardCharsets.UTF_8).length > GgufWriter.MAX_TENSOR_NAME_BYTES) {
                return; // readable, but the writer (like llama.cpp) refuses such names
            }
        }
        try {
            if (scratch == null) {
                scratch = Files.createTempFile("gguf-fuzz", ".gguf");
                scratch.toFile().deleteOnExit();
            }
            GgufWriter writer = new GgufWriter().putAll(header.metadata());
            for (GgufTensorInfo t : header.tensors()) {
                writer.addTensor(t.name(), t.type(), t.shape(),
                        file.asSlice(header.dataOffset() + t.offset(), t.sizeBytes()));
            }
            writer.write(scratch);
            GgufHeader again = GgufFile.readHeader(scratch);
            if (!again.metadata().asMap().equals(header.metadata().asMap())) {
                throw new AssertionError("metadata changed on rewrite: " + header.metadata().asMap() + " -> "
                        + again.metadata().asMap());
            }
            if (again.tensors().size() != header.tensors().size()) {
                throw new AssertionError("tensor count changed on rewrite");
            }
            for (int i = 0; i < again.tensors().size(); i++) {
                GgufTensorInfo a = header.tensors().get(i);
                GgufTensorInfo b = again.tensors().get(i);
                if (!a.name().equals(b.name()) || a.type() != b.type() || !Arrays.equals(a.shape(), b.shape())) {
                    throw new AssertionError("tensor changed on rewrite: " + a + " -> " + b);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void exercise(GgufHeader header, MemorySegment file) {
        for (GgufTensorInfo t : header.tensors()) {
            MemorySegment slice = file.asSlice(header.dataOffset() + t.offset(), t.sizeBytes());
            if (slice.byteSize() > 0) {
                slice.get(ValueLayout.JAVA_BYTE, slice.byteSize() - 1);
            }
            t.numRows();
            t.rowSizeBytes();
        }
        GgufMetadata m = header.metadata();
        for (Map.Entry<String, GgufValue> e : m.asMap().entrySet()) {
            e.getValue().display(4);
            try {
                switch (e.getValue().type()) {
                    case ARRAY -> {
                        m.getIntArray(e.getKey());
                        m.getFloatArray(e.getKey());
                        m.getStringArray(e.getKey());
                    }
                    case STRING -> m.getString(e.getKey());
                    case FLOAT32, FLOAT64 -> m.getFloat(e.getKey());
                    case BOOL -> m.getBoolean(e.getKey());
                    default -> m.getInt(e.getKey());
                }
            } catch (GgufFormatException typeMismatch) {
                // a value that does not fit the asked type is reported, not thrown as anything else
            }
        }
        try {
            GgufSummary.of(header);
        } catch (GgufFormatException typeMismatch) {
            // e.g. a string block count
        }
    }
}
