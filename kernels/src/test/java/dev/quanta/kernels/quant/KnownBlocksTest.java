package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dequantization of blocks written byte by byte, with the expected values worked out by hand from the layouts. */
class KnownBlocksTest {

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    /** A zeroed block of {@code type} with the given (offset, value) byte pairs set. */
    private MemorySegment block(GgmlType type, int... offsetValuePairs) {
        MemorySegment s = arena.allocate(type.typeSize());
        for (int i = 0; i < offsetValuePairs.length; i += 2) {
            s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, offsetValuePairs[i], (byte) offsetValuePairs[i + 1]);
        }
        return s;
    }

    @Test
    void f16AndBf16ReadLittleEndianHalves() {
        MemorySegment f16 = QuantTestData.bytes(arena, 0x00, 0x3C, 0x00, 0xC0);
        assertThat(Dequantize.row(GgmlType.F16, f16, 0, 2)).containsExactly(1.0f, -2.0f);
        MemorySegment bf16 = QuantTestData.bytes(arena, 0x80, 0x3F, 0x40, 0xC0);
        assertThat(Dequantize.row(GgmlType.BF16, bf16, 0, 2)).containsExactly(1.0f, -3.0f);
    }

    @Test
    void q4_0SubtractsEightAndSplitsNibblesBetweenHalves() {
        // d = 0.5; byte 0 = 0x9F: element 0 = (15-8)*0.5, element 16 = (9-8)*0.5; every other nibble 8 → 0
        MemorySegment b = QuantTestData.bytes(arena, 0x00, 0x38, 0x9F,
                0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88);
        float[] y = Dequantize.row(GgmlType.Q4_0, b, 0, 32);
        assertThat(y[0]).isEqualTo(3.5f);
        assertThat(y[16]).isEqualTo(0.5f);
        assertThat(y[1]).isEqualTo(0f);
        assertThat(y[31]).isEqualTo(0f);
    }

    @Test
    void q4_1AddsTheMin() {
        // d = 0.5, m = -1; byte 1 = 0x3A → element 1 = 10*0.5-1, element 17 = 3*0.5-1
        float[] y = Dequantize.row(GgmlType.Q4_1,
                block(GgmlType.Q4_1, 1, 0x38, 3, 0xBC, 5, 0x3A), 0, 32);
        assertThat(y[1]).isEqualTo(4f);
        assertThat(y[17]).isEqualTo(0.5f);
        assertThat(y[0]).isEqualTo(-1f);
    }

    @Test
    void q5_0TakesTheFifthBitFromQh() {
        // d = 1; qh bits 0, 16 and 31; qs[0] = 0x21, qs[15] = 0xF0
        float[] y = Dequantize.row(GgmlType.Q5_0,
                block(GgmlType.Q5_0, 1, 0x3C, 2, 0x01, 4, 0x01, 5, 0x80, 6, 0x21, 21, 0xF0), 0, 32);
        assertThat(y[0]).isEqualTo(1f); // (1 | 16) - 16
        assertThat(y[16]).isEqualTo(2f); // (2 | 16) - 16
        assertThat(y[31]).isEqualTo(15f); // (15 | 16) - 16
        assertThat(y[15]).isEqualTo(-16f); // 0 - 16
    }

    @Test
    void q5_1CombinesFifthBitScaleAndMin() {
        // d = 2, m = 0.5; qh bit 3; qs[3] = 0x07 → element 3 = (7 | 16) * 2 + 0.5, element 19 = 0 * 2 + 0.5
        float[] y = Dequantize.row(GgmlType.Q5_1,
                block(GgmlType.Q5_1, 1, 0x40, 3, 0x38, 4, 0x08, 11, 0x07), 0, 32);
        assertThat(y[3]).isEqualTo(46.5f);
        assertThat(y[19]).isEqualTo(0.5f);
    }

    @Test
    void q8_0MultipliesSignedBytesByTheScale() {
        // d = 0.25; qs[0] = -128, qs[31] = 127
        float[] y = Dequantize.row(GgmlType.Q8_0, block(GgmlType.Q8_0, 1, 0x34, 2, 0x80, 33, 0x7F), 0, 32);
        assertThat(y[0]).isEqualTo(-32f);
        assertThat(y[31]).isEqualTo(31.75f);
        assertThat(y[5]).isEqualTo(0f);
    }

    @Test
    void q2_kAppliesPerGroupScaleAndMin() {
        // d = 1 (at 80), dmin = 0.5 (at 82); group scales: g0 scale 1 min 2, g1 scale 3, g2 min 1, g4 scale 5
        // qs[0] = 0b11_10_01_00 → element 0: 0, element 32: 1, element 64: 2, element 96: 3; qs[16] = 3 → element 16
        MemorySegment b = block(GgmlType.Q2_K, 0, 0x21, 1, 0x03, 2, 0x10, 4, 0x05, 16, 0xE4, 32, 0x03,
                81, 0x3C, 83, 0x38);
        float[] y = Dequantize.row(GgmlType.Q2_K, b, 0, 256);
        assertThat(y[0]).isEqualTo(-1f); // 1*0 - 0.5*2
        assertThat(y[16]).isEqualTo(9f); // 3*3
        assertThat(y[32]).isEqualTo(-0.5f); // 0*1 - 0.5*1
        assertThat(y[64]).isEqualTo(10f); // 5*2
    }

    @Test
    void q3_kCombinesHmaskLowBitsAndSixBitScales() {
        // d = 2 (at 108). Scales stored +32; high 2 bits of every group = 2 (bytes 104..107 = 0xAA) except group 5.
        // group 0 raw = 1 | 2<<4 = 33 → +1; group 5 raw = 0xD | 1<<4 = 29 → -3 (bits 2..3 of byte 105 = 01).
        MemorySegment b = block(GgmlType.Q3_K,
                0, 0x01, 16, 0x04, // hmask: element 0 (bit 0 of byte 0), element 80 (bit 2 of byte 16)
                32, 0x03, 48, 0x20, // qs: element 0 low bits 3; element 80 = bits 4..5 of qs[16] = 2
                96, 0x01, 101, 0x0D, 104, 0xAA, 105, 0xA6, 106, 0xAA, 107, 0xAA,
                109, 0x40);
        float[] y = Dequantize.row(GgmlType.Q3_K, b, 0, 256);
        assertThat(y[0]).isEqualTo(6f); // 2 * 1 * 3
        assertThat(y[1]).isEqualTo(-8f); // 2 * 1 * (0 - 4)
        assertThat(y[80]).isEqualTo(-12f); // 2 * -3 * 2
        assertThat(y[81]).isEqualTo(24f); // 2 * -3 * (0 - 4)
    }

    @Test
    void q4_kUnpacksSixBitScalesAndMins() {
        // d = 1, dmin = 0.5. scales bytes s[0..12) at 4: s0 = 3, s4 = 2 → sub-block 0: 3q - 1;
        // s1 = 0x41 → sub-block 1 scale 1 (min s5 & 63 = 0), top bits 01 → sub-block 5 scale high bits;
        // s5 = 0x80 → sub-block 5 min high bits 2; s9 = 0x34 → sub-block 5 scale 4 | 1<<4 = 20, min 3 | 2<<4 = 35
        MemorySegment b = block(GgmlType.Q4_K, 1, 0x3C, 3, 0x38,
                4, 3, 5, 0x41, 8, 2, 9, 0x80, 13, 0x34,
                16, 0x75, 16 + 64, 0x20);
        float[] y = Dequantize.row(GgmlType.Q4_K, b, 0, 256);
        assertThat(y[0]).isEqualTo(14f); // 3*5 - 1
        assertThat(y[32]).isEqualTo(7f); // 1*7 - 0
        assertThat(y[160]).isEqualTo(22.5f); // 20*2 - 0.5*35
    }

    @Test
    void q5_kAddsSixteenWhenTheHighBitIsSet() {
        // same scales as the Q4_K case; qh at 16, qs at 48
        MemorySegment b = block(GgmlType.Q5_K, 1, 0x3C, 3, 0x38,
                4, 3, 5, 0x41, 8, 2, 9, 0x80, 13, 0x34,
                16, 0x20, 17, 0x01, // element 160: bit 5 of qh[0]; element 1: bit 0 of qh[1]
                48, 0x05, 48 + 64, 0x20);
        float[] y = Dequantize.row(GgmlType.Q5_K, b, 0, 256);
        assertThat(y[0]).isEqualTo(14f); // 3*5 - 1
        assertThat(y[1]).isEqualTo(47f); // 3*16 - 1
        assertThat(y[160]).isEqualTo(342.5f); // 20*18 - 17.5
    }

    @Test
    void q6_kCombinesLowNibblesHighPairsAndSignedScales() {
        // d = 0.5 (at 208); scales at 192: s0 = -2, s2 = 4, s12 = 10
        MemorySegment b = block(GgmlType.Q6_K,
                0, 0x0F, 32, 0x00, 72, 0x50, // ql
                128, 0x0D, 168, 0x20, // qh: element 0 high 1, element 32 high 3; element 200 high 2
                192, 0xFE, 194, 4, 204, 10,
                209, 0x38);
        float[] y = Dequantize.row(GgmlType.Q6_K, b, 0, 256);
        assertThat(y[0]).isEqualTo(1f); // 0.5 * -2 * ((15 | 1<<4) - 32)
        assertThat(y[32]).isEqualTo(32f); // 0.5 * 4 * ((0 | 3<<4) - 32)
        assertThat(y[200]).isEqualTo(25f); // 0.5 * 10 * ((5 | 2<<4) - 32)
    }

    @Test
    void rejectsAPartialBlock() {
        MemorySegment b = block(GgmlType.Q4_0);
        assertThatThrownBy(() -> Dequantize.row(GgmlType.Q4_0, b, 0, 31))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("31 elements");
    }

    @Test
    void rejectsTypesWithoutAReference() {
        MemorySegment b = block(GgmlType.IQ4_XS);
        assertThatThrownBy(() -> Dequantize.row(GgmlType.IQ4_XS, b, 0, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ4_XS");
    }

    @Test
    void readsOutsideTheSegmentFailCleanly() {
        MemorySegment b = block(GgmlType.Q8_0);
        assertThatThrownBy(() -> Dequantize.row(GgmlType.Q8_0, b, 0, 64))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
