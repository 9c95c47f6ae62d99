package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quanta.gguf.GgmlType;
import dev.quanta.gguf.GgufFile;
import dev.quanta.gguf.GgufTensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every tensor of the shared stories260K models (F32, Q8_0, Q4_0; llama.cpp quantized the last two from the
 * first, no importance matrix) dequantizes, agrees with the F32 original within its format's bound, and
 * re-quantizing the F32 original with {@link Quantize} reproduces llama.cpp's bytes exactly.
 */
class SharedModelsTest {

    private static Path modelsDir() {
        String shared = System.getProperty("quanta.shared.dir");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared, "models")),
                "shared test data absent (system property quanta.shared.dir=" + shared + "): skipping");
        return Path.of(shared, "models");
    }

    private static Path model(String fileName) {
        Path p = modelsDir().resolve(fileName);
        assumeTrue(Files.isRegularFile(p), p + " absent: skipping");
        return p;
    }

    @Test
    void everyTensorOfEverySharedModelDequantizesToFiniteValues() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(modelsDir())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".gguf")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        Set<GgmlType> seen = EnumSet.noneOf(GgmlType.class);
        for (Path file : files) {
            try (GgufFile gguf = GgufFile.open(file)) {
                for (GgufTensorInfo t : gguf.tensors()) {
                    float[] values = Dequantize.row(t.type(), gguf.tensorData(t), 0, Math.toIntExact(t.numElements()));
                    for (float v : values) {
                        assertThat(Float.isFinite(v)).as("%s %s", file.getFileName(), t.name()).isTrue();
                    }
                    seen.add(t.type());
                }
            }
        }
        assertThat(seen).contains(GgmlType.F32, GgmlType.Q8_0, GgmlType.Q4_0);
    }

    @Test
    void q8_0ModelIsTheF32ModelRequantizedByteForByte() throws IOException {
        compareWithF32("stories260K-Q8_0.gguf", 1.0 / 254 + 0x1p-10);
    }

    @Test
    void q4_0ModelIsTheF32ModelRequantizedByteForByte() throws IOException {
        compareWithF32("stories260K-Q4_0.gguf", 1.0 / 8 + 0x1p-8);
    }

    /**
     * For each tensor of the quantized file: F16/F32 tensors match the original within half rounding; quantized
     * ones lie within {@code relBound} × (block's largest magnitude) of the original, and re-quantizing the
     * original gives the same bytes. The bound covers rounding to the nearest level, the f16 rounding of the
     * block scale, and (Q4_0) the clamp of +8 to 7 when the block's extreme is negative.
     */
    private static void compareWithF32(String quantizedName, double relBound) throws IOException {
        try (GgufFile original = GgufFile.open(model("stories260K.gguf"));
                GgufFile quantized = GgufFile.open(model(quantizedName));
                Arena arena = Arena.ofConfined()) {
            int requantized = 0;
            for (GgufTensorInfo q : quantized.tensors()) {
                GgufTensorInfo o = original.tensor(q.name()).orElseThrow();
                assertThat(q.shape()).as(q.name()).containsExactly(o.shape());
                int n = Math.toIntExact(q.numElements());
                float[] reference = Dequantize.row(o.type(), original.tensorData(o), 0, n);
                float[] actual = Dequantize.row(q.type(), quantized.tensorData(q), 0, n);
                int block = q.type().blockSize();
                for (int b = 0; b < n / block; b++) {
                    float amax = 0f;
                    for (int j = 0; j < block; j++) {
                        amax = Math.max(amax, Math.abs(reference[b * block + j]));
                    }
                    double bound = q.type().blockSize() == 1 ? amax * 0x1p-10 + 1e-7 : amax * relBound + 1e-7;
                    for (int j = 0; j < block; j++) {
                        int i = b * block + j;
                        assertThat((double) Math.abs(actual[i] - reference[i])).as("%s[%d]", q.name(), i)
                                .isLessThanOrEqualTo(bound);
                    }
                }
                if (q.type() != o.type()) {
                    MemorySegment mine = arena.allocate(q.sizeBytes());
                    Quantize.row(q.type(), reference, 0, mine, 0, n);
                    MemorySegment theirs = quantized.tensorData(q);
                    long mismatch = mine.mismatch(theirs);
                    assertThat(mismatch).as("%s (%s): first differing byte", q.name(), q.type()).isEqualTo(-1L);
                    requantized++;
                }
            }
            assertThat(requantized).as("quantized tensors checked").isPositive();
        }
    }
}
