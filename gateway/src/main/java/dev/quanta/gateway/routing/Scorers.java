package dev.quanta.gateway.routing;

import java.util.List;
import java.util.Map;

/**
 * The three scorers, each giving every candidate a score in [0, 1] (higher is better), as the Gateway API
 * Inference Extension defines them.
 */
final class Scorers {

    private Scorers() {}

    /** Share of the prompt's blocks the worker already holds: matched leading blocks / all blocks (0 without blocks). */
    static double[] prefix(List<Candidate> candidates, Map<String, Integer> matched, int totalBlocks) {
        double[] scores = new double[candidates.size()];
        if (totalBlocks == 0) {
            return scores;
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = matched.getOrDefault(candidates.get(i).worker().id(), 0) / (double) totalBlocks;
        }
        return scores;
    }

    /** Min-max normalised queue depth: the shortest queue scores 1, the longest 0; all equal → all 1. */
    static double[] queue(List<Candidate> candidates) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Candidate c : candidates) {
            min = Math.min(min, c.load().queueDepth());
            max = Math.max(max, c.load().queueDepth());
        }
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = max == min ? 1.0 : (max - candidates.get(i).load().queueDepth()) / (max - min);
        }
        return scores;
    }

    /** Free KV share: 1 − usage, clamped to [0, 1]. */
    static double[] kvUsage(List<Candidate> candidates) {
        double[] scores = new double[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Math.clamp(1.0 - candidates.get(i).load().kvUsage(), 0.0, 1.0);
        }
        return scores;
    }
}
