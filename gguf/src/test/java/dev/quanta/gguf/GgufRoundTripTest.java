package dev.quanta.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyValueTypeSurvivesWriteAndRead() throws IOException {
        Path file = dir.resolve("values.gguf");
        new GgufWriter()
                .putUInt8("u8", 255)
                .putInt8("i8", -128)
                .putUInt16("u16", 65535)
                .putInt16("i16", -32768)
                .putUInt32("u32", 4_294_967_295L)
                .putInt32("i32", Integer.MIN_VALUE)
                .putFloat32("f32", 1.5e-5f)
                .putBool("bool", true)
                .putString("str", "héllo ✓")
                .putUInt64("u64", -1L)
                .putInt64("i64", Long.MIN_VALUE)
                .putFloat64("f64", Math.PI)
                .putStrings("strs", List.of("a", "", "ü"))
                .putFloat32s("floats", new float[] {0f, -1.25f, Float.NaN})
                .putInt32s("ints", new int[] {1, -2, 3})
                .putArray("u8s", GgufArray.ofUInt8(new byte[] {(byte) 200, 1}))
                .putArray("bools", GgufArray.ofBool(new boolean[] {true, false}))
                .putArray("f64s", GgufArray.ofFloat64(new double[] {2.5}))
                .putArray("nested", GgufArray.ofArrays(List.of(
                        GgufArray.ofInt32(new int[] {1, 2}), GgufArray.ofInt32(new int[] {}))))
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata m = gguf.metadata();
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(m.keys()).containsExactly("u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "u64",
                    "i64", "f64", "strs", "floats", "ints", "u8s", "bools", "f64s", "nested");
            assertThat(m.getInt("u8")).isEqualTo(255);
            assertThat(m.getInt("i8")).isEqualTo(-128);
            assertThat(m.getInt("u16")).isEqualTo(65535);
            assertThat(m.getInt("i16")).isEqualTo(-32768);
            assertThat(m.getLong("u32")).isEqualTo(4_294_967_295L);
            assertThat(m.getInt("i32")).isEqualTo(Integer.MIN_VALUE);
            assertThat(m.getFloat("f32")).isEqualTo(1.5e-5f);
            assertThat(m.getBoolean("bool")).isTrue();
            assertThat(m.getString("str")).isEqualTo("héllo ✓");
            assertThat(m.get("u64").value()).isEqualTo(-1L);
            assertThat(m.getLong("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(m.getDouble("f64")).isEqualTo(Math.PI);
            assertThat(m.getStringArray("strs")).containsExactly("a", "", "ü");
            assertThat(m.getFloatArray("floats")).containsExactly(0f, -1.25f, Float.NaN);
            assertThat(m.getIntArray("ints")).containsExactly(1, -2, 3);
            assertThat(m.getIntArray("u8s")).containsExactly(200, 1);
            assertThat(m.getArray("bools").get(0).value()).isEqualTo(true);
            assertThat(m.getFloatArray("f64s")).containsExactly(2.5f);
            List<GgufArray> nested = m.getArray("nested").asArrays();
            assertThat(nested).hasSize(2);
            assertThat(nested.get(0).toIntArray()).containsExactly(1, 2);
            assertThat(nested.get(1).size()).isZero();
            assertThat(gguf.tensors()).isEmpty();
        }
    }

    @Test
    void tensorsAreAlignedAndReadBackInPlace() throws IOException {
        Path file = dir.resolve("tensors.gguf");
        Random random = new Random(42);
        byte[] q8 = new byte[GgmlType.Q8_0.typeSize() * 2 * 3]; // [64, 3] Q8_0: 2 blocks per row
        random.nextBytes(q8);
        float[] norm = new float[7];
        for (int i = 0; i < norm.length; i++) {
            norm[i] = i * 0.5f;
        }
        ByteBuffer normBytes = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : norm) {
            normBytes.putFloat(f);
        }
        new GgufWriter()
                .putString(GgufKeys.GENERAL_ARCHITECTURE, "llama")
                .alignment(64)
                .addTensor("norm", GgmlType.F32, new long[] {7}, normBytes.array())
                .addTensor("w", GgmlType.Q8_0, new long[] {64, 3}, q8)
                .addTensor("streamed", GgmlType.F16, new long[] {4, 2, 1}, out -> out.write(new byte[16]))
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.alignment()).isEqualTo(64);
            assertThat(gguf.dataOffset() % 64).isZero();
            assertThat(gguf.tensors()).extracting(GgufTensorInfo::name).containsExactly("norm", "w", "streamed");
            for (GgufTensorInfo t : gguf.tensors()) {
                assertThat(t.offset() % 64).as(t.name()).isZero();
            }
            GgufTensorInfo w = gguf.tensor("w").orElseThrow();
            assertThat(w.shape()).containsExactly(64, 3);
            assertThat(w.rowLength()).isEqualTo(64);
            assertThat(w.numRows()).isEqualTo(3);
            assertThat(w.sizeBytes()).isEqualTo(q8.length);
            assertThat(gguf.tensorData(w).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(q8);
            MemorySegment n = gguf.tensorData(gguf.tensor("norm").orElseThrow());
            assertThat(n.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN))).isEqualTo(norm);
            assertThat(gguf.tensor("streamed").orElseThrow().numElements()).isEqualTo(8);
            assertThat(gguf.tensor("missing")).isEmpty();
        }
        GgufHeader header = GgufFile.readHeader(file);
        assertThat(header.tensors()).hasSize(3);
        assertThat(header.parameterCount()).isEqualTo(7 + 64 * 3 + 8);
    }

    @Test
    void bigVocabularyArraysRoundTrip() throws IOException {
        Path file = dir.resolve("vocab.gguf");
        int n = 50_000;
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            tokens.add("tok" + i);
            scores[i] = -i;
            types[i] = i % 7;
        }
        new GgufWriter().putStrings(GgufKeys.TOKENIZER_TOKENS, tokens)
                .putFloat32s(GgufKeys.TOKENIZER_SCORES, scores)
                .putInt32s(GgufKeys.TOKENIZER_TOKEN_TYPE, types)
                .write(file);
        GgufMetadata m = GgufFile.readHeader(file).metadata();
        assertThat(m.getStringArray(GgufKeys.TOKENIZER_TOKENS)).isEqualTo(tokens);
        assertThat(m.getFloatArray(GgufKeys.TOKENIZER_SCORES)).isEqualTo(scores);
        assertThat(m.getIntArray(GgufKeys.TOKENIZER_TOKEN_TYPE)).isEqualTo(types);
    }

    @Test
    void gettersNameTheKeyAndTypeWhenTheValueDoesNotFit() throws IOException {
        Path file = dir.resolve("types.gguf");
        new GgufWriter().putString("s", "x").putUInt64("big", -1L).putFloat32("f", 1f).write(file);
        GgufMetadata m = GgufFile.readHeader(file).metadata();
        assertThatThrownBy(() -> m.getInt("s")).isInstanceOf(GgufFormatException.class)
                .hasMessage("metadata key 's' is STRING, expected an integer");
        assertThatThrownBy(() -> m.getLong("big")).hasMessageContaining("'big' = 18446744073709551615 (UINT64)");
        assertThatThrownBy(() -> m.getInt("f")).hasMessageContaining("'f' is FLOAT32");
        assertThatThrownBy(() -> m.getString("absent")).hasMessage("metadata key 'absent' is missing");
        assertThatThrownBy(() -> m.getStringArray("s")).hasMessageContaining("'s' is STRING, expected ARRAY");
        assertThat(m.findInt("absent")).isEmpty();
    }

    @Test
    void writerRefusesDataOfTheWrongSizeAndBadShapes() {
        GgufWriter w = new GgufWriter();
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new long[] {4}, new byte[15]))
                .hasMessageContaining("15 bytes given");
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.Q4_0, new long[] {16}, new byte[9]))
                .hasMessageContaining("not a multiple of the Q4_0 block size 32");
        assertThatThrownBy(() -> w.alignment(48)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> w.addTensor("x".repeat(64), GgmlType.F32, new long[] {1}, new byte[4]))
                .hasMessageContaining("longer than 63 bytes");
        w.addTensor("t", GgmlType.F32, new long[] {1}, new byte[4]);
        assertThatThrownBy(() -> w.addTensor("t", GgmlType.F32, new long[] {1}, new byte[4]))
                .hasMessageContaining("duplicate tensor name 't'");
    }

    @Test
    void streamedTensorOfTheWrongLengthFailsWithoutLeavingAFile() {
        Path file = dir.resolve("short.gguf");
        GgufWriter w = new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, out -> out.write(new byte[3]));
        assertThatThrownBy(() -> w.write(file)).isInstanceOf(IOException.class)
                .hasMessage("tensor 't': its source wrote 3 bytes, expected 16");
        assertThat(file).doesNotExist();
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void tensorDataIsInaccessibleAfterClose() throws IOException {
        Path file = dir.resolve("closed.gguf");
        new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, new byte[16]).write(file);
        GgufFile gguf = GgufFile.open(file);
        MemorySegment data = gguf.tensorData(gguf.tensors().getFirst());
        gguf.close();
        gguf.close(); // idempotent
        assertThatThrownBy(() -> data.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        // header 24 + info 33 = 57 → data at 64; 16 data bytes padded to 32
        assertThat(Files.size(file)).isEqualTo(64 + 32);
    }
}
