package dev.quanta.worker.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

    @Test
    void greedyPicksTheFirstLargestLogit() {
        assertThat(new Sampler(SamplingParams.greedy()).sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void sameSeedSameChoices() {
        Sampler a = new Sampler(SamplingParams.temperature(1.0f, 42));
        Sampler b = new Sampler(SamplingParams.temperature(1.0f, 42));
        for (int i = 0; i < 100; i++) {
            assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
        }
    }

    @Test
    void topKOneIsGreedy() {
        Sampler s = new Sampler(new SamplingParams(1.5f, 1, 1f, 0f, 7));
        for (int i = 0; i < 50; i++) {
            assertThat(s.sample(LOGITS)).isEqualTo(1);
        }
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        Sampler s = new Sampler(new SamplingParams(5f, 2, 1f, 0f, 7));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(s.sample(LOGITS));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 3);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        // p(4) / p(max) = e^-4 < 0.05, p(0) / p(max) = e^-2 > 0.05
        Sampler s = new Sampler(new SamplingParams(1f, 0, 1f, 0.05f, 3));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            seen.add(s.sample(LOGITS));
        }
        assertThat(seen).contains(0, 1, 2, 3).doesNotContain(4);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities: 1 and 3 each ~0.38, 2 ~0.14; p = 0.7 needs both 3.0 tokens only
        Sampler s = new Sampler(new SamplingParams(1f, 0, 0.7f, 0f, 11));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(s.sample(LOGITS));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 3);
    }

    @Test
    void temperatureSamplingFollowsTheSoftmax() {
        float[] logits = {0f, (float) Math.log(3)}; // p = 0.25, 0.75
        Sampler s = new Sampler(SamplingParams.temperature(1f, 5));
        int ones = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            ones += s.sample(logits);
        }
        assertThat(ones / (double) n).isCloseTo(0.75, within(0.02));
    }

    @Test
    void logProbsAreALogSoftmaxSortedDescending() {
        TokenLogProb[] top = LogProbs.top(LOGITS, 3);
        double sum = 0;
        for (float l : LOGITS) {
            sum += Math.exp(l);
        }
        assertThat(top).extracting(TokenLogProb::id).containsExactly(1, 3, 2);
        assertThat(top[0].logprob()).isCloseTo((float) (3.0 - Math.log(sum)), within(1e-6f));
        assertThat(LogProbs.of(LOGITS, 4)).isCloseTo((float) (-1.0 - Math.log(sum)), within(1e-6f));
    }

    @Test
    void rejectsInvalidParameters() {
        assertThatThrownBy(() -> new SamplingParams(-1f, 0, 1f, 0f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, -1, 1f, 0f, 0)).hasMessageContaining("top-k");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 0f, 0f, 0)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 2f, 0)).hasMessageContaining("min-p");
    }

    @Test
    void argmaxInPlaceMatchesTheArrayArgmaxOnTiesNansInfinitiesAndSignedZeros() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[][] rows = {
            LOGITS,
            {2f, 2f, 2f},
            {nan, 5f, 7f},
            {1f, nan, 3f, nan, 3f},
            {-inf, -inf, -inf},
            {-inf, nan, nan},
            {-0f, 0f, -0f},
            {0f, -0f},
            {1f, inf, 2f, inf},
            {7f},
        };
        SplittableRandom rnd = new SplittableRandom(17);
        float[] random = new float[128_256];
        for (int i = 0; i < random.length; i++) {
            random[i] = (float) rnd.nextGaussian() * 4; // a few values repeat: ties among the largest are possible
        }
        random[99_000] = 40f;
        random[120_000] = 40f;
        try (Arena arena = Arena.ofConfined()) {
            for (float[] row : appended(rows, random)) {
                long offset = 4L * 3; // a row that does not start the segment, as every row but the first of a step
                MemorySegment seg = arena.allocate(offset + 4L * row.length + 8);
                seg.fill((byte) 0x7f); // neighbours larger than any logit: must not be read
                MemorySegment.copy(row, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, offset, row.length);
                assertThat(Sampler.argmax(seg, offset, row.length)).as("row of %d", row.length)
                        .isEqualTo(Sampler.argmax(row));
            }
        }
        assertThat(Sampler.argmax(random)).isEqualTo(99_000);
    }

    @Test
    void onlyAGreedySamplerWithoutPenaltiesOrBiasIsAPlainArgmax() {
        assertThat(new Sampler(SamplingParams.greedy()).isPlainArgmax()).isTrue();
        assertThat(new Sampler(SamplingParams.temperature(0.7f, 1)).isPlainArgmax()).isFalse();
        assertThat(new Sampler(new SamplingParams(0f, 0, 1f, 0f, 1, 1.1f, 0f, 0f, java.util.Map.of()))
                .isPlainArgmax()).isFalse();
        assertThat(new Sampler(new SamplingParams(0f, 0, 1f, 0f, 1, 1f, 0f, 0f, java.util.Map.of(3, 5f)))
                .isPlainArgmax()).isFalse();
    }

    private static float[][] appended(float[][] rows, float[] last) {
        float[][] all = java.util.Arrays.copyOf(rows, rows.length + 1);
        all[rows.length] = last;
        return all;
    }
}
