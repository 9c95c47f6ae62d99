package dev.quanta.planner.domain;

/**
 * What the user asked the plan to hold.
 *
 * @param context tokens per sequence (prompt + output) the KV cache must hold
 * @param concurrency sequences decoded together
 * @param maxQualityLossPercent largest accepted perplexity increase, % of the fp16 perplexity; {@code null}: any
 */
public record PlanOptions(int context, int concurrency, Double maxQualityLossPercent) {

    public static final int MAX_CONTEXT = 1 << 20;
    public static final int MAX_CONCURRENCY = 4096;
    public static final int DEFAULT_CONTEXT = 4096;

    public PlanOptions {
        if (context < 1 || context > MAX_CONTEXT) {
            throw new InvalidInputException("context", "context must be between 1 and " + MAX_CONTEXT
                    + " tokens, got " + context);
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new InvalidInputException("concurrency", "concurrency must be between 1 and " + MAX_CONCURRENCY
                    + ", got " + concurrency);
        }
        if (maxQualityLossPercent != null
                && (!Double.isFinite(maxQualityLossPercent) || maxQualityLossPercent < 0 || maxQualityLossPercent > 100)) {
            throw new InvalidInputException("max_quality_loss",
                    "max_quality_loss must be a percentage between 0 and 100, got " + maxQualityLossPercent);
        }
    }

    /**
     * Options for a model: {@code context} defaults to min(4096, the model's context length) and may not
     * exceed the model's context length; concurrency defaults to 1.
     */
    public static PlanOptions forModel(ModelShape model, Integer context, Integer concurrency, Double maxQualityLoss) {
        int ctx = context == null ? Math.min(DEFAULT_CONTEXT, model.contextLength()) : context;
        if (context != null && context > model.contextLength() && context <= MAX_CONTEXT) {
            throw new InvalidInputException("context", "context " + context + " exceeds the context length "
                    + model.contextLength() + " of " + model.key());
        }
        return new PlanOptions(ctx, concurrency == null ? 1 : concurrency, maxQualityLoss);
    }
}
