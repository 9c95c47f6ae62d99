package dev.quanta.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One hand-made corrupt file per class of damage; each must fail with a message naming the problem. */
class GgufCorruptFilesTest {

    private static final int F32 = GgmlType.F32.id();

    @TempDir
    Path dir;

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] bytes) {
        return assertThatThrownBy(() -> GgufReader.parse(MemorySegment.ofArray(bytes)))
                .isInstanceOf(GgufFormatException.class);
    }

    /** Header and one tensor info, padded to 32: the data section follows. */
    private static GgufBytes oneTensor(long[] ne, int type, long offset) {
        return GgufBytes.header(3, 1, 0).tensorInfo("t", ne, type, offset).padTo(32);
    }

    @Test
    void validHandMadeFileParses() throws GgufFormatException {
        byte[] bytes = oneTensor(new long[] {4, 2}, F32, 0).zeros(32).bytes();
        GgufHeader h = GgufReader.parse(MemorySegment.ofArray(bytes));
        assertThat(h.tensors().getFirst().sizeBytes()).isEqualTo(32);
        assertThat(h.dataOffset()).isEqualTo(96); // 24 header + 41 tensor info = 65, aligned up to 32
    }

    @Test
    void badMagic() {
        byte[] bytes = GgufBytes.header(3, 0, 0).bytes();
        bytes[0] = 'X';
        assertRejected(bytes).hasMessageContaining("bad magic 0x46554758").hasMessageContaining("at byte 0");
    }

    @Test
    void emptyAndTinyFiles() {
        assertRejected(new byte[0]).hasMessageContaining("only 0 bytes");
        assertRejected(new byte[] {'G', 'G', 'U', 'F', 3}).hasMessageContaining("truncated file: version");
    }

    @Test
    void futureVersionAndVersionOne() {
        assertRejected(GgufBytes.header(4, 0, 0).bytes()).hasMessageContaining("unsupported GGUF version 4")
                .hasMessageContaining("at byte 4");
        assertRejected(GgufBytes.header(1, 0, 0).bytes()).hasMessageContaining("version 1")
                .hasMessageContaining("obsolete");
        assertRejected(GgufBytes.header(Integer.reverseBytes(3), 0, 0).bytes()).hasMessageContaining("big-endian");
    }

    @Test
    void versionTwoIsRead() throws GgufFormatException {
        byte[] bytes = GgufBytes.header(2, 0, 1).kvU32("k", 7).bytes();
        assertThat(GgufReader.parse(MemorySegment.ofArray(bytes)).version()).isEqualTo(2);
    }

    @Test
    void absurdCountsFailBeforeAllocating() {
        assertRejected(GgufBytes.header(3, 1L << 60, 0).bytes()).hasMessageContaining("tensor count 1152921504606846976 is impossible");
        assertRejected(GgufBytes.header(3, 0, -1L).bytes()).hasMessageContaining("metadata count 18446744073709551615 is impossible");
        byte[] arrays = GgufBytes.header(3, 0, 1).string("tokens").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.STRING.id()).u64(1L << 60).bytes();
        assertRejected(arrays).hasMessageContaining("metadata 'tokens' array count 1152921504606846976 is impossible");
        byte[] floats = GgufBytes.header(3, 0, 1).string("scores").u32(GgufValueType.ARRAY.id())
                .u32(GgufValueType.FLOAT32.id()).u64(1000).zeros(400).bytes();
        assertRejected(floats).hasMessageContaining("'scores' array count 1000 is impossible");
    }

    @Test
    void stringLengthPastTheEnd() {
        byte[] key = GgufBytes.header(3, 0, 1).u64(1000).zeros(10).bytes();
        assertRejected(key).hasMessageContaining("metadata key #0: string length 1000 runs past the end")
                .hasMessageContaining("at byte 24");
        byte[] value = GgufBytes.header(3, 0, 1).string("name").u32(GgufValueType.STRING.id()).u64(-2L).bytes();
        assertRejected(value).hasMessageContaining("metadata 'name': string length 18446744073709551614 runs past");
    }

    @Test
    void tensorOffsetPastTheEnd() {
        byte[] bytes = oneTensor(new long[] {4}, F32, 1 << 20).zeros(16).bytes();
        assertRejected(bytes).hasMessageContaining("tensor 't': data [offset 1048576, 16 bytes] runs past end of file (size 80");
        byte[] huge = oneTensor(new long[] {4}, F32, -32L).zeros(16).bytes();
        assertRejected(huge).hasMessageContaining("tensor 't': data offset 18446744073709551584 is past any possible end");
    }

    @Test
    void misalignedTensorData() {
        byte[] bytes = oneTensor(new long[] {4}, F32, 4).zeros(64).bytes();
        assertRejected(bytes).hasMessageContaining("tensor 't': data offset 4 is not a multiple of the alignment 32");
        byte[] custom = GgufBytes.header(3, 1, 1).kvU32(GgufKeys.GENERAL_ALIGNMENT, 64)
                .tensorInfo("t", new long[] {4}, F32, 32).padTo(64).zeros(128).bytes();
        assertRejected(custom).hasMessageContaining("not a multiple of the alignment 64");
    }

    @Test
    void badAlignmentValue() {
        assertRejected(GgufBytes.header(3, 0, 1).kvU32(GgufKeys.GENERAL_ALIGNMENT, 48).bytes())
                .hasMessageContaining("'general.alignment' = 48 is not a power of two");
        assertRejected(GgufBytes.header(3, 0, 1).kvString(GgufKeys.GENERAL_ALIGNMENT, "32").bytes())
                .hasMessageContaining("'general.alignment' is STRING, expected UINT32");
    }

    @Test
    void truncatedTensorData() {
        byte[] bytes = oneTensor(new long[] {64, 64}, F32, 0).zeros(1000).bytes();
        assertRejected(bytes).hasMessageContaining("tensor 't': data [offset 0, 16384 bytes] runs past end of file (size 1096, data section starts at 96)");
    }

    @Test
    void dataSectionStartsPastTheEnd() {
        byte[] bytes = GgufBytes.header(3, 1, 0).tensorInfo("t", new long[] {4}, F32, 0).bytes(); // no padding, no data
        assertRejected(bytes).hasMessageContaining("data section would start at byte 64 but the file ends at 57");
    }

    @Test
    void duplicateKeysAndTensorNames() {
        assertRejected(GgufBytes.header(3, 0, 2).kvU32("a.b", 1).kvU32("a.b", 2).bytes())
                .hasMessageContaining("duplicate metadata key 'a.b'").hasMessageContaining("at byte 43");
        byte[] tensors = GgufBytes.header(3, 2, 0).tensorInfo("t", new long[] {8}, F32, 0)
                .tensorInfo("t", new long[] {8}, F32, 32).padTo(32).zeros(64).bytes();
        assertRejected(tensors).hasMessage("duplicate tensor name 't' (at byte 57)"); // 24 header + 33 first info
    }

    @Test
    void unknownTypeIds() {
        assertRejected(GgufBytes.header(3, 0, 1).string("k").u32(13).u32(0).bytes())
                .hasMessageContaining("metadata 'k': unknown value type id 13").hasMessageContaining("at byte 33");
        assertRejected(GgufBytes.header(3, 0, 1).string("k").u32(GgufValueType.ARRAY.id()).u32(-1).u64(0).bytes())
                .hasMessageContaining("unknown value type id 4294967295");
        assertRejected(oneTensor(new long[] {4}, 4, 0).zeros(32).bytes()) // ggml type 4 (Q4_2) was removed
                .hasMessageContaining("tensor 't': unknown ggml type id 4");
    }

    @Test
    void badShapes() {
        assertRejected(GgufBytes.header(3, 1, 0).string("t").u32(5).zeros(100).bytes())
                .hasMessageContaining("tensor 't': n_dims 5, expected 1 to 4");
        assertRejected(GgufBytes.header(3, 1, 0).string("t").u32(0).zeros(100).bytes())
                .hasMessageContaining("n_dims 0");
        assertRejected(oneTensor(new long[] {4, 0}, F32, 0).zeros(32).bytes())
                .hasMessageContaining("tensor 't': ne[1] = 0, dims must be positive");
        assertRejected(oneTensor(new long[] {1L << 32, 1L << 32}, F32, 0).zeros(32).bytes())
                .hasMessageContaining("element count overflows");
        assertRejected(oneTensor(new long[] {1L << 40, 1L << 22}, F32, 0).zeros(32).bytes())
                .hasMessageContaining("data size overflows");
        assertRejected(oneTensor(new long[] {48}, GgmlType.Q4_0.id(), 0).zeros(64).bytes())
                .hasMessageContaining("row length ne[0] = 48 is not a multiple of the Q4_0 block size 32");
    }

    @Test
    void overlappingTensors() {
        byte[] bytes = GgufBytes.header(3, 2, 0).tensorInfo("a", new long[] {16}, F32, 0)
                .tensorInfo("b", new long[] {8}, F32, 32).padTo(32).zeros(128).bytes();
        assertRejected(bytes).hasMessageContaining("tensors 'a' [offset 0, 64 bytes] and 'b' [offset 32] overlap");
    }

    @Test
    void badBoolAndDeepNesting() {
        assertRejected(GgufBytes.header(3, 0, 1).string("flag").u32(GgufValueType.BOOL.id()).u8(2).bytes())
                .hasMessageContaining("metadata 'flag': bool byte 2, expected 0 or 1");
        GgufBytes deep = GgufBytes.header(3, 0, 1).string("deep").u32(GgufValueType.ARRAY.id());
        for (int i = 0; i < 20; i++) {
            deep.u32(GgufValueType.ARRAY.id()).u64(1);
        }
        assertRejected(deep.zeros(64).bytes()).hasMessageContaining("arrays nested deeper than 8");
    }

    @Test
    void everyTruncationOfAValidFileFailsCleanly() throws IOException {
        Path file = dir.resolve("ok.gguf");
        new GgufWriter().putString("general.architecture", "llama").putStrings("tokens", java.util.List.of("a", "bc"))
                .putFloat32s("scores", new float[] {1, 2}).alignment(16)
                .addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, new byte[68])
                .addTensor("n", GgmlType.F32, new long[] {3}, new byte[12]).write(file);
        byte[] full = Files.readAllBytes(file);
        GgufHeader header = GgufReader.parse(MemorySegment.ofArray(full));
        long lastDataEnd = header.dataOffset() + header.tensor("n").orElseThrow().offset() + 12;
        for (int n = 0; n < lastDataEnd; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            try {
                GgufReader.parse(MemorySegment.ofArray(cut));
                fail("a file cut to " + n + " of " + full.length + " bytes was accepted");
            } catch (GgufFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void openNamesTheFileAndTheMissingFileIsAnIoError() throws IOException {
        Path file = dir.resolve("bad.gguf");
        Files.write(file, GgufBytes.header(9, 0, 0).bytes());
        assertThatThrownBy(() -> GgufFile.open(file)).isInstanceOf(GgufFormatException.class)
                .hasMessage("bad.gguf: unsupported GGUF version 9, this reader supports 2 and 3 (at byte 4)");
        assertThatThrownBy(() -> GgufFile.readHeader(file)).isInstanceOf(GgufFormatException.class);
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThatThrownBy(() -> GgufFile.open(empty)).isInstanceOf(GgufFormatException.class)
                .hasMessage("empty.gguf: not a GGUF file: only 0 bytes, too short for the magic (at byte 0)");
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("absent.gguf"))).isInstanceOf(IOException.class)
                .isNotInstanceOf(GgufFormatException.class);
    }
}
