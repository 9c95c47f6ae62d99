package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FloatBitsTest {

    @Test
    void bf16WidensByShiftingIntoTheHighHalf() {
        assertThat(FloatBits.bf16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(FloatBits.bf16ToFloat((short) 0xC040)).isEqualTo(-3.0f);
    }

    @Test
    void bf16RoundsToNearestEvenOnTies() {
        assertThat(FloatBits.floatToBf16(1.0f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 lies halfway between 0x3F80 and 0x3F81: the even one wins
        assertThat(FloatBits.floatToBf16(1.0f + 0x1p-8f)).isEqualTo((short) 0x3F80);
        // 1 + 3·2^-8 lies halfway between 0x3F81 and 0x3F82
        assertThat(FloatBits.floatToBf16(1.0f + 3 * 0x1p-8f)).isEqualTo((short) 0x3F82);
        // just above the halfway point rounds up
        assertThat(FloatBits.floatToBf16(Math.nextUp(1.0f + 0x1p-8f))).isEqualTo((short) 0x3F81);
    }

    @Test
    void bf16KeepsInfinityAndQuietsNaN() {
        assertThat(FloatBits.floatToBf16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        // a signalling NaN whose payload lives only in the low half must not become infinity
        short nan = FloatBits.floatToBf16(Float.intBitsToFloat(0x7F800001));
        assertThat(nan).isEqualTo((short) 0x7FC0);
        assertThat(Float.isNaN(FloatBits.bf16ToFloat(nan))).isTrue();
    }

    @Test
    void halfRoundsToNearestEvenAndOverflowsToInfinity() {
        assertThat(FloatBits.floatToHalf(1.0f)).isEqualTo((short) 0x3C00);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: rounds to even (1.0)
        assertThat(FloatBits.floatToHalf(1.0f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        assertThat(FloatBits.floatToHalf(1.0f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        assertThat(FloatBits.floatToHalf(65520f)).isEqualTo((short) 0x7C00);
        assertThat(FloatBits.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
    }

    @Test
    void roundfRoundsHalfAwayFromZeroLikeC() {
        assertThat(Le.roundf(0.5f)).isEqualTo(1f);
        assertThat(Le.roundf(-0.5f)).isEqualTo(-1f);
        assertThat(Le.roundf(2.5f)).isEqualTo(3f);
        assertThat(Le.roundf(-2.5f)).isEqualTo(-3f);
        assertThat(Le.roundf(0.49999997f)).isEqualTo(0f);
        assertThat(Le.roundf(126.6f)).isEqualTo(127f);
    }

    @Test
    void nearestIntRoundsHalfToEvenLikeGgml() {
        assertThat(Le.nearestInt(2.5f)).isEqualTo(2);
        assertThat(Le.nearestInt(3.5f)).isEqualTo(4);
        assertThat(Le.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(Le.nearestInt(-2.6f)).isEqualTo(-3);
        assertThat(Le.nearestInt(4194303f)).isEqualTo(4194303);
    }
}
