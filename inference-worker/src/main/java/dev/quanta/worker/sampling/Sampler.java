package dev.quanta.worker.sampling;

import java.util.SplittableRandom;

/**
 * Picks tokens from logits: greedy, or top-k, then top-p, then min-p filtering on the softmax of the raw logits,
 * then temperature, then a draw from a seeded {@link SplittableRandom} (llama.cpp's default chain order).
 * One instance per sequence; reuses its scratch arrays (sized to the vocabulary on first use).
 */
public final class Sampler {

    private final SamplingParams params;
    private final SplittableRandom random;
    private int[] order = new int[0];    // [vocab] candidate ids, most likely first
    private float[] probs = new float[0]; // [vocab] candidate probabilities in order
    private long[] keys = new long[0];     // [vocab] sort keys: descending logit, then id

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /** The next token for {@code logits} (f32 [vocab]); the array is not modified. */
    public int sample(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        int n = logits.length;
        if (order.length < n) {
            order = new int[n];
            probs = new float[n];
        }
        // candidates, most likely first (only the top k are ordered when top-k is on)
        int count;
        if (params.topK() > 0 && params.topK() < n) {
            int[] top = LogProbs.topIndices(logits, params.topK());
            System.arraycopy(top, 0, order, 0, top.length);
            count = top.length;
        } else {
            count = n;
            sortByLogitDescending(logits, n);
        }
        // top-p and min-p on the softmax of the candidates' raw logits
        float max = logits[order[0]];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += Math.exp(logits[order[i]] - max);
        }
        if (params.topP() < 1f) {
            double cumulative = 0;
            for (int i = 0; i < count; i++) {
                cumulative += Math.exp(logits[order[i]] - max) / sum;
                if (cumulative >= params.topP()) {
                    count = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0f) {
            // p_i / p_max = exp(l_i - l_max)
            double threshold = Math.log(params.minP());
            int kept = 1;
            while (kept < count && logits[order[kept]] - max >= threshold) {
                kept++;
            }
            count = kept;
        }
        // temperature, then draw
        double total = 0;
        for (int i = 0; i < count; i++) {
            double p = Math.exp((logits[order[i]] - max) / params.temperature());
            probs[i] = (float) p;
            total += p;
        }
        double r = random.nextDouble() * total;
        double acc = 0;
        for (int i = 0; i < count; i++) {
            acc += probs[i];
            if (r < acc) {
                return order[i];
            }
        }
        return order[count - 1];
    }

    /** Index of the largest logit; the first one on ties (as llama.cpp's greedy sampler). */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private void sortByLogitDescending(float[] logits, int n) {
        if (keys.length < n) {
            keys = new long[n];
        }
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int sortable = bits ^ ((bits >> 31) & 0x7fffffff); // orders like the float
            long descending = (long) Integer.MAX_VALUE - sortable - (1L << 31); // fits an int, larger logit first
            keys[i] = (descending << 32) | i;
        }
        java.util.Arrays.sort(keys, 0, n);
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
    }
}
