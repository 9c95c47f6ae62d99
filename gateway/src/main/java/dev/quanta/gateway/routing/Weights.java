package dev.quanta.gateway.routing;

/**
 * Scorer weights; defaults are the Gateway API Inference Extension's default profile: prefix 3, queue 2, KV 2.
 */
public record Weights(double prefix, double queue, double kvUsage) {
    public static final Weights DEFAULT = new Weights(3, 2, 2);

    public Weights {
        if (prefix < 0 || queue < 0 || kvUsage < 0) {
            throw new IllegalArgumentException("scorer weights must be >= 0");
        }
    }
}
