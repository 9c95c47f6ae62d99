package dev.quanta.planner.domain;

/**
 * The shape of a model as the planner needs it (from the registry, or given ad hoc).
 *
 * @param key registry key, e.g. {@code qwen-72b}
 * @param parametersBillions parameter count in billions (10^9)
 * @param fp16MemoryGb size of the fp16 weights in GB (10^9 bytes)
 * @param layers transformer blocks
 * @param hiddenSize model width d_model
 * @param attentionHeads query heads
 * @param kvHeads key/value heads (GQA groups; = attentionHeads for MHA)
 * @param headDim width of one head
 * @param contextLength largest context the model was trained for, in tokens
 * @param vocabSize tokenizer vocabulary size
 */
public record ModelShape(String key, String name, double parametersBillions, double fp16MemoryGb, int layers,
        int hiddenSize, int attentionHeads, int kvHeads, int headDim, int contextLength, int vocabSize) {

    public ModelShape {
        require(key != null && !key.isBlank(), "key", "must not be blank");
        require(Double.isFinite(parametersBillions) && parametersBillions > 0 && parametersBillions <= 100_000,
                "parametersBillions", "must be in (0, 100000]");
        require(Double.isFinite(fp16MemoryGb) && fp16MemoryGb > 0 && fp16MemoryGb <= 1_000_000,
                "fp16MemoryGb", "must be in (0, 1000000]");
        require(layers > 0 && layers <= 10_000, "layers", "must be in [1, 10000]");
        require(hiddenSize > 0 && hiddenSize <= 1_000_000, "hiddenSize", "must be in [1, 1000000]");
        require(attentionHeads > 0 && attentionHeads <= 10_000, "attentionHeads", "must be in [1, 10000]");
        require(kvHeads > 0 && kvHeads <= attentionHeads, "kvHeads", "must be in [1, attentionHeads]");
        require(attentionHeads % kvHeads == 0, "kvHeads", "must divide attentionHeads");
        require(headDim > 0 && headDim <= 100_000, "headDim", "must be in [1, 100000]");
        require(contextLength > 0, "contextLength", "must be positive");
        require(vocabSize >= 0, "vocabSize", "must not be negative");
        name = name == null || name.isBlank() ? key : name;
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidInputException(field, field + " " + message);
        }
    }
}
