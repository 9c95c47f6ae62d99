package dev.quanta.worker.api;

/**
 * The request-latency histograms the edge measures from listener callback times (vLLM's buckets), thread-safe.
 */
public final class ServingMetrics {

    /** vLLM's {@code vllm:time_to_first_token_seconds} buckets. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
        2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's {@code vllm:inter_token_latency_seconds} buckets. */
    static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
        5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** vLLM's request-latency buckets ({@code vllm:e2e_request_latency_seconds}). */
    static final double[] E2E_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0,
        50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    final Histogram timeToFirstToken = new Histogram(TTFT_BUCKETS);
    final Histogram interTokenLatency = new Histogram(ITL_BUCKETS);
    final Histogram endToEnd = new Histogram(E2E_BUCKETS);

    void timeToFirstToken(long nanos) {
        timeToFirstToken.observe(nanos / 1e9);
    }

    void interTokenLatency(long nanos) {
        interTokenLatency.observe(nanos / 1e9);
    }

    void endToEnd(long nanos) {
        endToEnd.observe(nanos / 1e9);
    }

    /** Cumulative-bucket histogram as Prometheus exposes it. */
    static final class Histogram {
        private final double[] bounds;
        private final long[] counts; // [bounds + 1] non-cumulative; last = above every bound
        private double sum;
        private long count;

        Histogram(double[] bounds) {
            this.bounds = bounds.clone();
            this.counts = new long[bounds.length + 1];
        }

        synchronized void observe(double value) {
            int i = 0;
            while (i < bounds.length && value > bounds[i]) {
                i++;
            }
            counts[i]++;
            sum += value;
            count++;
        }

        /** A consistent copy: upper bounds, cumulative counts per bound (+Inf last), sum, count. */
        synchronized Snapshot snapshot() {
            long[] cumulative = new long[counts.length];
            long acc = 0;
            for (int i = 0; i < counts.length; i++) {
                acc += counts[i];
                cumulative[i] = acc;
            }
            return new Snapshot(bounds.clone(), cumulative, sum, count);
        }
    }

    record Snapshot(double[] bounds, long[] cumulative, double sum, long count) {}
}
