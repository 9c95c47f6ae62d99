package dev.quanta.worker.sampling;

import java.util.Arrays;

/** Log-softmax over the full vocabulary and its top entries. */
public final class LogProbs {

    private LogProbs() {}

    /**
     * The {@code k} most likely tokens, most likely first (ties: lower id first), with
     * {@code logprob = logit - max - log(sum_j exp(logit_j - max))}.
     *
     * @param logits f32 [vocab]
     */
    public static TokenLogProb[] top(float[] logits, int k) {
        int n = logits.length;
        k = Math.min(k, n);
        float max = max(logits);
        double logSum = logSumExp(logits, max);
        int[] best = topIndices(logits, k);
        TokenLogProb[] out = new TokenLogProb[k];
        for (int i = 0; i < k; i++) {
            out[i] = new TokenLogProb(best[i], (float) ((logits[best[i]] - max) - logSum));
        }
        return out;
    }

    /** Log-probability of one token. */
    public static float of(float[] logits, int id) {
        float max = max(logits);
        return (float) ((logits[id] - max) - logSumExp(logits, max));
    }

    private static float max(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        return max;
    }

    /** log(sum_j exp(logit_j - max)), summed in double. */
    private static double logSumExp(float[] logits, float max) {
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return Math.log(sum);
    }

    /** Indices of the k largest values, largest first, ties by lower index; O(n k) for small k. */
    static int[] topIndices(float[] values, int k) {
        int[] idx = new int[k];
        float[] val = new float[k];
        Arrays.fill(val, Float.NEGATIVE_INFINITY);
        Arrays.fill(idx, -1);
        int filled = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (filled == k && !(v > val[k - 1])) {
                continue;
            }
            int j = Math.min(filled, k - 1);
            while (j > 0 && v > val[j - 1]) {
                val[j] = val[j - 1];
                idx[j] = idx[j - 1];
                j--;
            }
            val[j] = v;
            idx[j] = i;
            if (filled < k) {
                filled++;
            }
        }
        return idx;
    }
}
