package dev.quanta.kernels.quant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quanta.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ActivationQuantizeTest {

    private static byte[] quantize(boolean activation, float[] x) {
        MemorySegment out = MemorySegment.ofArray(new byte[34]);
        if (activation) {
            Quantize.activationRow(GgmlType.Q8_0, x, 0, out, 0, 32);
        } else {
            Quantize.row(GgmlType.Q8_0, x, 0, out, 0, 32);
        }
        return out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @Test
    void q8_0ActivationsRoundHalvesToEvenWhereTheFileReferenceRoundsAway() {
        float[] x = new float[32];
        x[0] = 127f; // amax 127: scale exactly 1, so the other values are exact halves
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 3.5f;
        byte[] act = quantize(true, x);
        byte[] ref = quantize(false, x);
        assertThat(new byte[] {act[2], act[3], act[4], act[5]}).containsExactly(127, 2, -2, 4);
        assertThat(new byte[] {ref[2], ref[3], ref[4], ref[5]}).containsExactly(127, 3, -3, 4);
        assertThat(new byte[] {act[0], act[1]}).containsExactly(ref[0], ref[1]); // same f16 scale
    }

    @Test
    void q8_0ActivationsScaleBy127OverAmaxNotByTheReciprocalOfD() {
        // Search a fixed-seed stream for a block where 127 / amax and 1 / (amax / 127) give different products
        // after rounding: the two quantizers must then disagree on that value, and only there.
        java.util.Random rnd = new java.util.Random(11);
        int differing = 0;
        for (int trial = 0; trial < 20_000 && differing == 0; trial++) {
            float[] x = new float[32];
            for (int i = 0; i < 32; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            float amax = 0f;
            for (float v : x) {
                amax = Math.max(amax, Math.abs(v));
            }
            float idAct = 127f / amax;
            float idRef = 1f / (amax / 127f);
            byte[] act = quantize(true, x);
            byte[] ref = quantize(false, x);
            for (int i = 0; i < 32; i++) {
                int wantAct = (int) Math.rint(x[i] * idAct);
                assertThat(act[2 + i]).as("trial %d element %d", trial, i).isEqualTo((byte) wantAct);
                if (act[2 + i] != ref[2 + i]) {
                    assertThat(x[i] * idAct).isNotEqualTo(x[i] * idRef);
                    differing++;
                }
            }
        }
        assertThat(differing).as("a block where the two scalings round differently").isPositive();
    }
}
