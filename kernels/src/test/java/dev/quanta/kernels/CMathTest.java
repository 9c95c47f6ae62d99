package dev.quanta.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The C library's float functions reached through FFM: within one ulp of the correctly rounded result (glibc's are
 * within about 0.56). The engine's RoPE angles need the C library's own roundings, not Java's correctly rounded
 * ones, to reproduce llama.cpp (see GoldenDecodingTest).
 */
class CMathTest {

    private static final int SAMPLES = 20_000;

    @Test
    void cosfAndSinfStayWithinOneUlpOfTheCorrectlyRoundedValue() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < SAMPLES; i++) {
            float x = (float) random.nextDouble(-4096, 4096); // RoPE angles: position x frequency
            assertThat(Math.abs(CMath.cosf(x) - (float) Math.cos(x))).as("cosf(%s)", x)
                    .isLessThanOrEqualTo(Math.ulp((float) Math.cos(x)));
            assertThat(Math.abs(CMath.sinf(x) - (float) Math.sin(x))).as("sinf(%s)", x)
                    .isLessThanOrEqualTo(Math.ulp((float) Math.sin(x)));
        }
    }

    @Test
    void powfStaysWithinOneUlpOfTheCorrectlyRoundedValue() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < SAMPLES; i++) {
            float base = (float) random.nextDouble(1, 1_000_000); // RoPE bases
            float exponent = (float) random.nextDouble(-2, 0);
            float expected = (float) Math.pow(base, exponent);
            assertThat(Math.abs(CMath.powf(base, exponent) - expected)).as("powf(%s, %s)", base, exponent)
                    .isLessThanOrEqualTo(Math.ulp(expected));
        }
    }

    @Test
    void expfStaysWithinOneUlpOfTheCorrectlyRoundedValue() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < SAMPLES; i++) {
            float x = (float) random.nextDouble(-80, 80);
            float expected = (float) Math.exp(x);
            assertThat(Math.abs(CMath.expf(x) - expected)).as("expf(%s)", x)
                    .isLessThanOrEqualTo(Math.ulp(expected));
        }
    }
}
