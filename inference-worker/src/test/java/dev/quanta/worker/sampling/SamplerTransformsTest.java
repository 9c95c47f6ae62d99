package dev.quanta.worker.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTransformsTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, -0.5f, -1.0f};

    private static SamplingParams greedy(float repetition, float presence, float frequency, Map<Integer, Float> bias) {
        return new SamplingParams(0f, 0, 1f, 0f, 0L, repetition, presence, frequency, bias);
    }

    @Test
    void logitBiasIsAddedAndSteersGreedy() {
        Sampler s = new Sampler(greedy(1f, 0f, 0f, Map.of(0, 2.5f, 1, -100f)));
        float[] out = s.transform(LOGITS);
        assertThat(out).containsExactly(3.5f, -97.0f, 2.0f, -0.5f, -1.0f);
        assertThat(s.sample(LOGITS)).isEqualTo(0);
    }

    @Test
    void callersLogitsAreNeverModified() {
        float[] logits = LOGITS.clone();
        Sampler s = new Sampler(new SamplingParams(0.8f, 3, 0.9f, 0.01f, 5L, 1.3f, 0.5f, 0.7f, Map.of(2, 4f)),
                new int[] {1, 3});
        for (int i = 0; i < 20; i++) {
            s.accept(s.sample(logits));
        }
        assertThat(logits).containsExactly(LOGITS);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfPromptAndGeneratedTokens() {
        Sampler s = new Sampler(greedy(2f, 0f, 0f, Map.of()), new int[] {1, 1, 3});
        s.accept(0);
        float[] out = s.transform(LOGITS);
        // 0 (generated) and 1 (prompt, twice: penalised once) halved, 3 (negative) doubled, 2 and 4 untouched
        assertThat(out).containsExactly(0.5f, 1.5f, 2.0f, -1.0f, -1.0f);
        assertThat(s.sample(LOGITS)).isEqualTo(2);
    }

    @Test
    void presencePenaltySubtractsOncePerGeneratedToken() {
        Sampler s = new Sampler(greedy(1f, 1.5f, 0f, Map.of()), new int[] {2});
        s.accept(1);
        s.accept(1);
        float[] out = s.transform(LOGITS);
        // the prompt token 2 is not penalised (OpenAI: generated tokens only)
        assertThat(out).containsExactly(1.0f, 1.5f, 2.0f, -0.5f, -1.0f);
        assertThat(s.sample(LOGITS)).isEqualTo(2);
    }

    @Test
    void frequencyPenaltySubtractsPerOccurrence() {
        Sampler s = new Sampler(greedy(1f, 0f, 0.75f, Map.of()));
        s.accept(1);
        s.accept(1);
        s.accept(4);
        float[] out = s.transform(LOGITS);
        assertThat(out[1]).isCloseTo(3.0f - 1.5f, within(1e-6f));
        assertThat(out[4]).isCloseTo(-1.0f - 0.75f, within(1e-6f));
        assertThat(out[0]).isEqualTo(1.0f);
        assertThat(s.sample(LOGITS)).isEqualTo(2);
    }

    @Test
    void negativePenaltiesEncourageRepetition() {
        Sampler s = new Sampler(greedy(1f, -2f, -2f, Map.of()));
        s.accept(4);
        s.accept(4);
        assertThat(s.transform(LOGITS)[4]).isEqualTo(5.0f); // -1 + 2 * 2 + 2
        assertThat(s.sample(LOGITS)).isEqualTo(4);
    }

    @Test
    void biasComesBeforeTheRepetitionPenalty() {
        // bias first: (3 - 4) = -1 is negative, so the penalty multiplies it: -2 (the other order would give -2.5)
        Sampler s = new Sampler(greedy(2f, 0f, 0f, Map.of(1, -4f)), new int[] {1});
        assertThat(s.transform(LOGITS)[1]).isEqualTo(-2.0f);
    }

    @Test
    void samplingDrawsFromTheTransformedLogits() {
        // top-k 1 keeps only the best transformed logit, whatever the temperature
        Sampler s = new Sampler(new SamplingParams(2f, 1, 1f, 0f, 9L, 1f, 0f, 0f, Map.of(4, 10f)));
        for (int i = 0; i < 20; i++) {
            assertThat(s.sample(LOGITS)).isEqualTo(4);
        }
        // a large bias against the token the sampler otherwise prefers removes it from the draws
        Sampler t = new Sampler(new SamplingParams(1f, 0, 1f, 0f, 9L, 1f, 0f, 0f, Map.of(1, -100f)));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(t.sample(LOGITS));
        }
        assertThat(seen).doesNotContain(1).contains(0, 2);
    }

    @Test
    void biasesBeyondTheVocabularyAreIgnored() {
        Sampler s = new Sampler(greedy(1f, 0f, 0f, Map.of(99, 50f)));
        assertThat(s.transform(LOGITS)).containsExactly(LOGITS);
    }

    @Test
    void withoutTransformsAcceptChangesNothing() {
        Sampler s = new Sampler(SamplingParams.greedy(), new int[] {1, 1, 1});
        s.accept(1);
        assertThat(s.sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void rejectsNegativeTokenIds() {
        assertThatThrownBy(() -> new Sampler(SamplingParams.greedy()).accept(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
